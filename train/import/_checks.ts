/**
 * What the importer measures on the adapted pair (private to train/import/): the range of G's
 * values over a burn-in, and how far the WASM path is from ONNX Runtime on the same proposals.
 *
 * @module
 */

import { type Backend, openBackend, type ScoringBackend } from "../../backends/mod.ts";
import { denoWasmPaths } from "../../backends/wasm_paths.ts";

/** Wraps a backend to record the min and max of every generated value. */
export function trackRange(backend: Backend, range: { min: number; max: number }): Backend {
  return {
    ...backend,
    async run(z, n, runOptions) {
      const out = await backend.run(z, n, runOptions);
      for (const v of out.x) {
        if (v < range.min) range.min = v;
        if (v > range.max) range.max = v;
      }
      return out;
    },
  };
}

/** Max |difference| between ONNX Runtime and the WASM backend on the same proposals (x and logits). */
export async function wasmParity(
  init: {
    latentDim: number;
    sampleShape: number[];
    classes: number;
    readFile: (n: string) => Promise<Uint8Array>;
  },
  probe: { z: Float32Array; classes?: Int32Array },
): Promise<number> {
  const n = probe.z.length / init.latentDim;
  const outputs = [];
  for (const name of ["onnx", "wasm"] as const) {
    const backend: ScoringBackend = await openBackend(name, init, {
      wasm: { wasmPaths: denoWasmPaths() },
      onnx: { fused: false },
    }) as ScoringBackend;
    try {
      outputs.push(await backend.run(probe.z, n, { classes: probe.classes }));
    } finally {
      await backend.dispose();
    }
  }
  let worst = 0;
  for (const key of ["x", "logits"] as const) {
    const [a, b] = [outputs[0][key], outputs[1][key]];
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst;
}

/** The smallest and largest of `values`. */
export function rangeOf(values: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  return [lo, hi];
}

/** Classes of `n` probe rows: 0, 1, .., wrapping (none for an unconditional pair). */
export function probeClasses(n: number, classes: number): Int32Array | undefined {
  return classes ? Int32Array.from({ length: n }, (_, i) => i % classes) : undefined;
}
