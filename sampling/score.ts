/**
 * Consecutive proposals as they are, for a DRS burn-in, parity checks, diagnostics and figures:
 * a {@linkcode Decider} that returns every proposal (its logit, and its sample when asked), so
 * they go through the same draws, batching and G+D calls as served requests.
 *
 * @module
 */

import { classesOf, type ClassPlan } from "./classes.ts";
import type { Decider } from "./decider.ts";
import { rawStats } from "./stats.ts";

/**
 * Returns every proposal in index order as one row: its logit, or its sample followed by its
 * logit when `sampleSize` is given (`// [sampleSize + 1]`).
 */
export function scoreDecider(
  options: { sampleSize?: number; classes?: ClassPlan } = {},
): Decider {
  const sampleSize = options.sampleSize ?? 0;
  const { classes } = options;
  let accepted = 0;
  return {
    needsLogits: true,
    rowSize: sampleSize + 1,
    classesFor: classes && ((start, count) => classesOf(classes, { start, count })),
    get accepted() {
      return accepted;
    },
    roundSize: (remaining) => remaining,
    decide(chunk, need) {
      const count = Math.min(chunk.size, need);
      const rows = Array.from({ length: count }, (_, i) => {
        if (sampleSize === 0) return chunk.logits!.subarray(i, i + 1);
        const row = new Float32Array(sampleSize + 1);
        row.set(chunk.x.subarray(i * sampleSize, (i + 1) * sampleSize));
        row[sampleSize] = chunk.logits![i];
        return row;
      });
      accepted += count;
      return { rows, labels: chunk.classes && Array.from(chunk.classes.subarray(0, count)) };
    },
    stats: () => rawStats(accepted),
    likelyCompletes: (size, remaining) => size >= remaining,
  };
}
