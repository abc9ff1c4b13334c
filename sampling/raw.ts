/**
 * Raw G: proposal i is returned sample i, no D pass and no decisions.
 *
 * @module
 */

import { classesOf, type ClassPlan } from "./classes.ts";
import type { Decider } from "./decider.ts";
import { rawStats } from "./stats.ts";

/**
 * Keeps every proposal: `n` samples cost exactly `n` G evaluations. With `classes`, proposals
 * get the requested class or one drawn per proposal.
 */
export function rawDecider(sampleSize: number, options: { classes?: ClassPlan } = {}): Decider {
  const { classes } = options;
  let accepted = 0;
  return {
    needsLogits: false,
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
