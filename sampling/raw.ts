/**
 * Raw G: proposal i is returned sample i, no D pass and no decisions.
 *
 * @module
 */

import type { Decider } from "./decider.ts";
import { rawStats } from "./stats.ts";

/** Keeps every proposal: `n` samples cost exactly `n` G evaluations. */
export function rawDecider(sampleSize: number): Decider {
  let accepted = 0;
  return {
    needsLogits: false,
    get accepted() {
      return accepted;
    },
    roundSize: (remaining) => remaining,
    decide(chunk, need) {
      const rows: Float32Array[] = [];
      for (let i = 0; i < Math.min(chunk.size, need); i++) {
        rows.push(chunk.x.subarray(i * sampleSize, (i + 1) * sampleSize));
      }
      accepted += rows.length;
      return rows;
    },
    stats: () => rawStats(accepted),
    likelyCompletes: (size, remaining) => size >= remaining,
  };
}
