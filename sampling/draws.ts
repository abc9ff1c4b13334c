/**
 * Where a request's random draws come from: latent rows for G and uniforms for the accept
 * test, both functions of (seed, proposal index) only. Inline by default; a worker can make
 * them ahead while G+D runs (see `worker_draws.ts`), which never changes their values.
 *
 * @module
 */

import { normals, uniforms } from "../shared/rng.ts";

/** Draws of proposals `start .. start + count - 1`. */
export interface Draws {
  /** Latent rows: `// [count, dim]`. */
  z: Float32Array;
  /** Accept-test uniforms: `// [count]`. */
  u: Float64Array;
}

/** Makes the draws of a range of proposals for `seed`. */
export type DrawSource = (
  seed: number,
  range: { start: number; count: number },
  dim: number,
) => Promise<Draws>;

/** Draws computed on the calling thread. */
export const inlineDraws: DrawSource = (seed, range, dim) =>
  Promise.resolve({
    z: normals(seed, { ...range, dim }),
    u: uniforms(seed, range),
  });

/**
 * Splits a round of `count` proposals into chunks of at most `chunk` that start small and
 * double: only the first chunk's draws cannot overlap G+D, and each chunk's draws take about
 * as long as G+D on the chunk before it, so a pipeline (draws here, G+D on another core) fills
 * without a stall. `roundChunks(1000, 256)` is `[64, 128, 256, 256, 256, 40]`.
 */
export function roundChunks(count: number, chunk: number, first = 64): number[] {
  if (!(chunk < count)) return [count];
  const sizes: number[] = [];
  let left = count;
  for (let size = Math.min(first, chunk); left > 0; size = Math.min(chunk, size * 2)) {
    sizes.push(Math.min(size, left));
    left -= sizes[sizes.length - 1];
  }
  return sizes;
}
