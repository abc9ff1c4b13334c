/**
 * A request's random draws: latent rows for G and uniforms for the accept test, both functions
 * of (seed, proposal index) only, so batching never changes them.
 *
 * @module
 */

import { drawLatents, type LatentPrior } from "../shared/latent_prior.ts";
import { uniforms } from "../shared/rng.ts";
import { truncateLatents } from "../shared/truncation.ts";

/** Draws of proposals `start .. start + count - 1`. */
export interface Draws {
  /** Latent rows: `// [count, dim]`. */
  z: Float32Array;
  /** Accept-test uniforms: `// [count]` (empty when the sampler makes no decisions). */
  u: Float64Array;
}

const NO_UNIFORMS = new Float64Array(0);

/** Options for {@linkcode drawProposals}. */
export interface DrawOptions {
  /** Also draw the accept-test uniforms. */
  uniforms: boolean;
  /** Truncate the latents at psi (BigGAN's trick). @default {undefined} */
  psi?: number;
  /** The model's latent prior. @default {{ kind: "normal" }} */
  prior?: LatentPrior;
}

/**
 * The draws of proposals `range.start ..` of `seed`: latents of width `dim` from the model's
 * prior (truncated when asked), and uniforms when asked.
 */
export function drawProposals(
  seed: number,
  range: { start: number; count: number; dim: number },
  options: DrawOptions,
): Draws {
  const { start, count, dim } = range;
  const z = drawLatents(seed, { start, count, dim }, options.prior);
  if (options.psi !== undefined) truncateLatents(z, { seed, start, count, dim }, options.psi);
  return { z, u: options.uniforms ? uniforms(seed, { start, count }) : NO_UNIFORMS };
}

/**
 * Splits a round of `count` proposals into chunks of at most `chunk` that start small and
 * double: only the first chunk's draws cannot overlap G+D on an inference thread, and each
 * chunk's draws take about as long as G+D on the chunk before it, so the pipeline fills without
 * a stall. `roundChunks(1000, 256)` is `[64, 128, 256, 256, 256, 40]`.
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
