/**
 * Discriminator Rejection Sampling as a {@linkcode Decider}: proposals decided in index order by
 * shared/drs.ts (logM raised online, NaN and +Inf logits rejected and counted), rounds sized from
 * the calibrated acceptance, then from the observed one.
 *
 * @module
 */

import { expectedAcceptance } from "../shared/calibration.ts";
import { createDrsState, decideBatch } from "../shared/drs.ts";
import type { Decider } from "./decider.ts";
import { statsOf } from "./stats.ts";

/** The calibrated constants DRS reads (the manifest's `drs` block). */
export interface DrsConstants {
  logM: number;
  epsilon: number;
  /** F at q = 0..100 with gamma = 0: gives the expected acceptance for any gamma. */
  fQuantiles: readonly number[];
}

/** Options for {@linkcode batchSize}. */
export interface BatchSizeOptions {
  /** Smallest batch. @default {16} */
  minBatch?: number;
  /** Largest batch. @default {8192} */
  maxBatch?: number;
}

/** Proposals to evaluate next: enough that `remaining` are accepted with high probability. */
export function batchSize(remaining: number, rate: number, options: BatchSizeOptions = {}): number {
  const p = Math.min(1, Math.max(rate, 1e-4));
  const want = Math.ceil((remaining + 2 * Math.sqrt(remaining) + 1) / p);
  return Math.min(options.maxBatch ?? 8192, Math.max(options.minBatch ?? 16, want));
}

/** A DRS decider at `gamma` over samples of `sampleSize` values. */
export function drsDecider(
  constants: DrsConstants,
  options: BatchSizeOptions & { gamma: number; sampleSize: number },
): Decider {
  const { gamma, sampleSize } = options;
  const { logM, epsilon } = constants;
  const drsOptions = { epsilon, gamma };
  const state = createDrsState(logM);
  const expected = expectedAcceptance(constants.fQuantiles, gamma);
  // The acceptance rate the current round was sized with: the calibrated one at first, then
  // the observed one (with a prior).
  let rate = expected;
  return {
    needsLogits: true,
    get accepted() {
      return state.accepted;
    },
    roundSize(remaining, evaluated) {
      rate = evaluated === 0 ? expected : (state.accepted + 1) / (evaluated + 1 / expected);
      return batchSize(remaining, rate, options);
    },
    decide(chunk, need) {
      const logits = chunk.logits!;
      const before = { ...state };
      let kept = decideBatch(logits, chunk.u, state, drsOptions);
      if (kept.length > need) {
        // Decide again up to the proposal that completes the request, so the state (logM
        // raises, counts) never sees proposals past it.
        Object.assign(state, before);
        kept = decideBatch(logits.subarray(0, kept[need - 1] + 1), chunk.u, state, drsOptions);
      }
      return kept.map((i) => chunk.x.subarray(i * sampleSize, (i + 1) * sampleSize));
    },
    stats: () => statsOf(state, logM, gamma),
    likelyCompletes: (size, remaining) => size * rate >= remaining,
  };
}
