/**
 * Draws evaluation samples through a {@linkcode Backend}: the first n proposals (raw G) or the
 * first n accepted by DRS, with the same RNG streams and decision code as serving.
 *
 * @module
 */

import type { Backend } from "../../backends/mod.ts";
import { createDrsState, decideBatch, type DrsState } from "../../shared/drs.ts";
import { normals, uniforms } from "../../shared/rng.ts";

/** Samples and, for DRS, the run's statistics. */
export interface Collected {
  /** `// [n, ...sampleShape]` flattened. */
  x: Float32Array;
  /** DRS state at the end (undefined for raw samples). */
  state?: DrsState;
}

/** Options for {@linkcode collectSamples}. */
export interface CollectOptions {
  latentDim: number;
  /** Values per sample (product of sampleShape). */
  sampleSize: number;
  seed: number;
  /** DRS constants; raw G samples when absent. */
  drs?: { logM: number; gamma: number; epsilon: number };
  /** Proposals per backend call. @default {2048} */
  batch?: number;
  /** Give up after this many proposals. @default {200 * n} */
  maxProposals?: number;
}

/** The first `n` raw or DRS-accepted samples of `seed`. */
export async function collectSamples(
  backend: Backend,
  n: number,
  options: CollectOptions,
): Promise<Collected> {
  const { latentDim, sampleSize, seed, drs } = options;
  const batch = options.batch ?? 2048;
  const x = new Float32Array(n * sampleSize);
  if (!drs) {
    for (let start = 0; start < n; start += batch) {
      const count = Math.min(batch, n - start);
      const z = normals(seed, { start, count, dim: latentDim }); // [count, latentDim]
      x.set(await backend.generate(z, count), start * sampleSize);
    }
    return { x };
  }
  const state = createDrsState(drs.logM);
  const maxProposals = options.maxProposals ?? 200 * n;
  let kept = 0;
  for (let start = 0; kept < n; start += batch) {
    if (start >= maxProposals) {
      throw new RangeError(
        `Cannot collect ${n} DRS samples as only ${kept} were accepted in ${start} proposals`,
      );
    }
    const z = normals(seed, { start, count: batch, dim: latentDim });
    const out = await backend.run(z, batch); // x [batch, ...], logits [batch]
    const u = uniforms(seed, { start, count: batch });
    for (const i of decideBatch(out.logits, u, state, drs)) {
      if (kept === n) break;
      x.set(out.x.subarray(i * sampleSize, (i + 1) * sampleSize), kept * sampleSize);
      kept++;
    }
  }
  return { x, state };
}
