/**
 * The floor of a sample request: the same G+D batches run straight on the backend, with the
 * latents made before the clock starts.
 *
 * @module
 */

import { normals, uniforms } from "../shared/rng.ts";
import type { Backend } from "../backends/mod.ts";

/** Batch sizes from an `X-DRS-Batches` header (`1445` or `1445,310`). */
export function parseBatches(header: string | null): number[] {
  if (!header || !/^\d+(,\d+)*$/.test(header)) {
    throw new Error(`Cannot replay as 'x-drs-batches' is missing or malformed: '${header}'`);
  }
  return header.split(",").map(Number);
}

/** Seconds the backend spends on G+D for `batches` of request `seed` (latents made untimed). */
export async function floorSeconds(
  model: { backend: Backend; latentDim: number; classes?: number },
  request: { seed: number; batches: readonly number[] },
): Promise<number> {
  const { backend, latentDim } = model;
  const { seed, batches } = request;
  let start = 0;
  const inputs = batches.map((count) => {
    const z = normals(seed, { start, count, dim: latentDim });
    // A class-conditional model's proposals carry a class each (any class costs the same).
    const classes = model.classes
      ? Int32Array.from({ length: count }, (_, i) => (start + i) % model.classes!)
      : undefined;
    start += count;
    return { z, count, classes };
  });
  const t0 = performance.now();
  for (const { z, count, classes } of inputs) {
    await backend.run(z, count, { classes });
  }
  return (performance.now() - t0) / 1000;
}

/** Seconds to make the latents and uniforms of `batches` on this thread. */
export function drawSeconds(
  latentDim: number,
  request: { seed: number; batches: readonly number[] },
): number {
  const t0 = performance.now();
  let start = 0;
  for (const count of request.batches) {
    normals(request.seed, { start, count, dim: latentDim });
    uniforms(request.seed, { start, count });
    start += count;
  }
  return (performance.now() - t0) / 1000;
}

/** The q-quantile (0..1) of `values` (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
