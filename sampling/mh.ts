/**
 * Metropolis-Hastings GAN (Turner et al., ICML 2019) as a {@linkcode Decider}: returned sample j
 * is the end state of an independent MH chain over the block of proposals `jK .. jK + K - 1`.
 * The chain starts at the block's first proposal and is offered the other K - 1 in order; a
 * proposal x' replaces the state x with probability min(1, exp(l(x') - l(x))), l the calibrated
 * logit (shared/mh.ts). Each returned sample costs exactly K G+D evaluations, so a request's cost
 * is known up front; no logM is needed.
 *
 * The reference code starts each chain at a real sample (no burn-in). No data ships to the edge,
 * so the chain starts at a generator sample: with a well-calibrated D the chain moves towards
 * p_data as it runs, and K sets the trade between cost and how far it gets.
 *
 * @module
 */

import { calibrateLogit, type Calibrator } from "../shared/calibrator.ts";
import { MAX_K, mhAcceptProbability } from "../shared/mh.ts";

export { MAX_K };
import { classesOf, type ClassPlan } from "./classes.ts";
import type { Decider } from "./decider.ts";
import type { SampleStats } from "./stats.ts";

/** Options for {@linkcode mhDecider}. */
export interface MhDeciderOptions {
  /** Proposals per returned sample (the chain's length, start included), 2..64. */
  k: number;
  sampleSize: number;
  /** Maps D's logit to a calibrated one (the manifest's calibrator). @default {identity} */
  calibrator?: Calibrator;
  /** Classes of a class-conditional model: one class per chain. */
  classes?: ClassPlan;
}

/** Throws unless `k` is an integer in 2..{@linkcode MAX_K}. */
export function checkK(k: number): void {
  if (!(Number.isInteger(k) && k >= 2 && k <= MAX_K)) {
    throw new RangeError(
      `Cannot sample as 'k' must be an integer in 2..${MAX_K}: current value is ${k}`,
    );
  }
}

/** An MH decider: chains of `k` proposals, one returned sample each. */
export function mhDecider(options: MhDeciderOptions): Decider {
  const { k, sampleSize, classes } = options;
  checkK(k);
  const calibrator = options.calibrator ?? { kind: "identity" };
  let accepted = 0, proposals = 0, moves = 0, nonFinite = 0;
  // The chain in progress: its state (a copy: it may come from an earlier chunk) and logit.
  let state = new Float32Array(sampleSize);
  let stateLogit = -Infinity;
  let stateClass = 0;
  return {
    needsLogits: true,
    get accepted() {
      return accepted;
    },
    // Every proposal of chain j gets chain j's class.
    classesFor: classes &&
      ((start, count) => {
        const out = new Int32Array(count);
        const first = Math.floor(start / k), last = Math.floor((start + count - 1) / k);
        const chain = classesOf(classes, { start: first, count: last - first + 1 });
        for (let i = 0; i < count; i++) out[i] = chain[Math.floor((start + i) / k) - first];
        return out;
      }),
    roundSize: (remaining) => remaining * k - (proposals % k),
    decide(chunk, need) {
      const rows: Float32Array[] = [];
      const labels: number[] = [];
      for (let i = 0; i < chunk.size && rows.length < need; i++) {
        const index = chunk.start + i;
        const logit = calibrateLogit(chunk.logits![i], calibrator);
        if (!Number.isFinite(logit)) nonFinite++;
        proposals++;
        const row = chunk.x.subarray(i * sampleSize, (i + 1) * sampleSize);
        if (index % k === 0) {
          // A new chain starts at this proposal (a non-finite logit is left at the first move).
          state = row.slice();
          stateLogit = logit;
          stateClass = chunk.classes?.[i] ?? 0;
        } else if (chunk.u[i] < mhAcceptProbability(stateLogit, logit)) {
          state = row.slice();
          stateLogit = logit;
          moves++;
        }
        if (index % k === k - 1) {
          rows.push(state);
          labels.push(stateClass);
          accepted++;
        }
      }
      return { rows, labels: chunk.classes && labels };
    },
    stats(): SampleStats {
      return {
        proposals,
        accepted,
        acceptanceRate: proposals > 0 ? accepted / proposals : 0,
        logM: null,
        logMFinal: null,
        logMRaised: false,
        logMRaises: 0,
        nonFiniteLogits: nonFinite,
        gamma: null,
        moves,
      };
    },
    likelyCompletes: (size, remaining) => size >= remaining * k - (proposals % k),
  };
}
