/**
 * Raw G: proposal i is returned sample i, no D pass and no decisions.
 *
 * @module
 */

import { classesOf, type ClassPlan } from "./classes.ts";
import type { Decider } from "./decider.ts";
import { checkPsi } from "../shared/truncation.ts";
import { rawStats } from "./stats.ts";

/** Options for {@linkcode rawDecider}. */
export interface RawDeciderOptions {
  /** Classes of a class-conditional model's proposals. @default {undefined} */
  classes?: ClassPlan;
  /** Truncation: latent entries beyond |psi| redrawn (BigGAN). @default {undefined} */
  psi?: number;
}

/**
 * Keeps every proposal: `n` samples cost exactly `n` G evaluations. With `classes`, proposals
 * get the requested class or one drawn per proposal; with `psi`, their latents are truncated
 * (the truncation sampler).
 */
export function rawDecider(sampleSize: number, options: RawDeciderOptions = {}): Decider {
  const { classes, psi } = options;
  if (psi !== undefined) checkPsi(psi);
  let accepted = 0;
  return {
    needsLogits: false,
    psi,
    get accepted() {
      return accepted;
    },
    classesFor: classes && ((start, count) => classesOf(classes, { start, count })),
    roundSize: (remaining) => remaining,
    decide(chunk, need) {
      const count = Math.min(chunk.size, need);
      const rows: Float32Array[] = [];
      for (let i = 0; i < count; i++) {
        rows.push(chunk.x.subarray(i * sampleSize, (i + 1) * sampleSize));
      }
      accepted += count;
      return { rows, labels: chunk.classes && Array.from(chunk.classes.subarray(0, count)) };
    },
    stats: () => rawStats(accepted),
    likelyCompletes: (size, remaining) => size >= remaining,
  };
}
