/**
 * RESEARCH SCRIPT: G+D proposals per second of two model folders on ONNX Runtime (the fused
 * sampler.onnx, one thread) and on tfjs-wasm, measured in alternating blocks so the ratio
 * holds on a shared, noisy machine. The wasm path needs FourierFeatures registered.
 *
 *   deno run -A scripts/research/ratio_cost.ts models/grid25 .runs/grid25-ratio [--batch 256]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { openBackend } from "../../edge/backends/open.ts";
import type { Backend } from "../../edge/backends/mod.ts";
import { denoWasmPaths } from "../../edge/backends/wasm_paths.ts";
import { registerFourierFeatures } from "../../backends/fourier_features.ts";
import { normals } from "../../shared/rng.ts";
import { readModelFolder } from "../../train/ratio/_base_model.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: { batch: { type: "string", default: "256" }, blocks: { type: "string", default: "7" } },
  allowPositionals: true,
});
if (positionals.length !== 2) throw new Error("Cannot run as two model folders are needed");
const batch = Number(values.batch), blocks = Number(values.blocks);
registerFourierFeatures();

async function open(dir: string, name: "onnx" | "wasm"): Promise<Backend> {
  const folder = await readModelFolder(dir);
  return await openBackend(name, {
    latentDim: folder.manifest.latentDim,
    sampleShape: folder.manifest.sampleShape,
    readFile: (file) => Promise.resolve(folder.files[file]),
  }, { wasm: { wasmPaths: denoWasmPaths() } });
}

/** Proposals per second over `calls` calls of `batch` proposals. */
async function rate(backend: Backend, calls: number): Promise<number> {
  const z = normals(1, { start: 0, count: batch, dim: 16 });
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await backend.run(z, batch);
  return (calls * batch) / ((performance.now() - t0) / 1000);
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
for (const runtime of ["onnx", "wasm"] as const) {
  const [a, b] = [await open(positionals[0], runtime), await open(positionals[1], runtime)];
  const calls = runtime === "onnx" ? 400 : 60;
  await rate(a, 20), await rate(b, 20); // warm-up
  const ra: number[] = [], rb: number[] = [];
  for (let k = 0; k < blocks; k++) {
    ra.push(await rate(a, calls));
    rb.push(await rate(b, calls));
  }
  const [ma, mb] = [median(ra), median(rb)];
  console.log(
    `${runtime} batch ${batch}: ${positionals[0]} ${(ma / 1000).toFixed(1)}K proposals/s, ` +
      `${positionals[1]} ${(mb / 1000).toFixed(1)}K proposals/s (x${(mb / ma).toFixed(2)}, ` +
      `median of ${blocks} alternating blocks)`,
  );
  await a.dispose();
  await b.dispose();
}
