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
 * Splits a round of `count` proposals into chunks of at most `chunk`, the first one smaller
 * (its draws are the only ones that cannot overlap G+D): `roundChunks(1000, 256)` is
 * `[64, 256, 256, 256, 168]`.
 */
export function roundChunks(count: number, chunk: number, first = 64): number[] {
  if (!(chunk < count)) return [count];
  const sizes = [Math.min(first, chunk)];
  let left = count - sizes[0];
  while (left > 0) {
    const size = Math.min(chunk, left);
    sizes.push(size);
    left -= size;
  }
  return sizes;
}
