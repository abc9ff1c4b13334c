/**
 * Parity helpers shared by the export and shipped-model tests: max absolute differences and
 * DRS decision agreement between two runtimes on the same proposals.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Backend, BackendInit, BackendName } from "../backends/mod.ts";
import { loadLayersModelFromBytes } from "../backends/tfjs_load.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { GRAPH_NAMES, MODEL_FILES } from "../shared/model_files.ts";
import { scoreProposals } from "../sampling/mod.ts";
import { createDrsState, decideBatch } from "../shared/drs.ts";
import { normals, uniforms } from "../shared/rng.ts";

/** The largest |a[i] - b[i]|; throws when lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

/**
 * D alone on fixed samples `x` (`// [n, ...sampleShape]` -> `// [n]`) on a serving runtime, read
 * straight from the model's files: the served interface runs G and D together, but parity wants
 * each network on fixed inputs.
 */
export async function discriminatorOn(
  name: BackendName,
  init: BackendInit,
  x: Float32Array,
  classes?: Int32Array,
): Promise<Float32Array> {
  const n = x.length / init.sampleShape.reduce((a, b) => a * b, 1);
  const shape = [n, ...init.sampleShape];
  if (name === "onnx") {
    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(
      await init.readFile(MODEL_FILES.discriminator),
    );
    try {
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
        [GRAPH_NAMES.sample]: new ort.Tensor("float32", x, shape),
      };
      if (classes) {
        feeds[GRAPH_NAMES.label] = new ort.Tensor("int64", BigInt64Array.from(classes, BigInt), [
          n,
        ]);
      }
      const out = await session.run(feeds);
      return out[GRAPH_NAMES.logit].data as Float32Array;
    } finally {
      await session.release();
    }
  }
  // Imported here: loading the wasm backend module makes it tfjs's preferred backend.
  const { ensureWasmBackend } = await import("../backends/tfjs_wasm.ts");
  await ensureWasmBackend({ wasmPaths: denoWasmPaths() });
  const names = MODEL_FILES.tfjs.discriminator;
  const d = await loadLayersModelFromBytes({
    modelJson: await init.readFile(names.modelJson),
    weights: await init.readFile(names.weights),
  }, names);
  try {
    return tf.tidy(() => {
      const inputs = classes
        ? [tf.tensor(x, shape), tf.tensor2d(classes, [n, 1], "int32")]
        : tf.tensor(x, shape);
      return (d.predict(inputs) as tf.Tensor).dataSync() as Float32Array;
    });
  } finally {
    d.dispose();
  }
}

/** Logits of `count` proposals of seed `seed` through the sampling core: `// [count]`. */
export function proposalLogits(
  backend: Backend,
  latentDim: number,
  options: { seed: number; count: number; batch?: number; classes?: number },
): Promise<Float32Array> {
  const model = { backend, latentDim, classes: options.classes };
  return scoreProposals(model, options, { batch: options.batch ?? 1000 });
}

/**
 * Fraction of proposals on which two runtimes' DRS decisions agree, for the same seed's
 * uniform draws and the same calibrated constants.
 */
export function decisionAgreement(
  a: Float32Array,
  b: Float32Array,
  drs: { logM: number; gamma: number; epsilon: number; seed: number },
): { agreement: number; acceptedA: number; acceptedB: number } {
  const draws = uniforms(drs.seed, { start: 0, count: a.length });
  const options = { gamma: drs.gamma, epsilon: drs.epsilon };
  const keptA = new Set(decideBatch(a, draws, createDrsState(drs.logM), options));
  const keptB = new Set(decideBatch(b, draws, createDrsState(drs.logM), options));
  let same = 0;
  for (let i = 0; i < a.length; i++) if (keptA.has(i) === keptB.has(i)) same++;
  return { agreement: same / a.length, acceptedA: keptA.size, acceptedB: keptB.size };
}

/** Mean microseconds per `backend.run` at batch `n` (after a warm-up). */
export async function runMicros(
  backend: Backend,
  init: Pick<BackendInit, "latentDim">,
  options: { n: number; calls: number },
): Promise<number> {
  const z = normals(3, { start: 0, count: options.n, dim: init.latentDim });
  for (let i = 0; i < 5; i++) await backend.run(z, options.n);
  const start = performance.now();
  for (let i = 0; i < options.calls; i++) await backend.run(z, options.n);
  return (performance.now() - start) * 1000 / options.calls;
}
