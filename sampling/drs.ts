/**
 * Discriminator Rejection Sampling as a {@linkcode Decider}: proposals decided in index order by
 * shared/drs.ts (logM raised online, NaN and +Inf logits rejected and counted), rounds sized from
 * the calibrated acceptance, then from the observed one. A class-conditional model decides each
 * proposal with its class's constants (one lane per class: logM, gamma, F quantiles).
 *
 * @module
 */

import { calibrateLogits, type Calibrator } from "../shared/calibrator.ts";
import { createDrsState, decideBatchIn, type DrsLane } from "../shared/drs.ts";
import { laneAcceptance } from "./_acceptance.ts";
import { classesOf, type ClassPlan } from "./classes.ts";
import type { Decider } from "./decider.ts";
import { type SampleStats, statsOf } from "./stats.ts";

/** The calibrated constants DRS reads (the manifest's `drs` block, or one class's). */
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

/** Options for {@linkcode drsDecider}. */
export interface DrsDeciderOptions extends BatchSizeOptions {
  /** gamma of each lane (one lane, or one per class). */
  gammas: readonly number[];
  sampleSize: number;
  /** Classes of a class-conditional model's proposals (lanes are then classes). */
  classes?: ClassPlan;
  /**
   * Maps D's logits before deciding (the manifest's calibrator; its `drs` constants are then
   * those of the calibrated logits). @default {undefined} (D's logits as they are)
   */
  calibrator?: Calibrator;
}

/** Statistics of a run over several lanes: sums, with logM only when one lane is in play. */
function laneStats(
  lanes: readonly DrsLane[],
  calibrated: readonly DrsConstants[],
  gammas: readonly number[],
  only: number | undefined,
): SampleStats {
  if (only !== undefined) {
    return statsOf(lanes[only].state, calibrated[only].logM, gammas[only]);
  }
  const sum = (key: "proposals" | "accepted" | "logMRaises" | "nonFiniteLogits") =>
    lanes.reduce((a, l) => a + l.state[key], 0);
  const proposals = sum("proposals"), accepted = sum("accepted");
  const sameGamma = gammas.every((g) => g === gammas[0]);
  return {
    proposals,
    accepted,
    acceptanceRate: proposals > 0 ? accepted / proposals : 0,
    logM: null,
    logMFinal: null,
    logMRaised: sum("logMRaises") > 0,
    logMRaises: sum("logMRaises"),
    nonFiniteLogits: sum("nonFiniteLogits"),
    gamma: sameGamma ? gammas[0] : null,
  };
}

/**
 * A DRS decider over `constants` (one entry, or one per class of a class-conditional model, with
 * `options.classes`) at `options.gammas`, for samples of `sampleSize` values.
 */
export function drsDecider(
  constants: readonly DrsConstants[],
  options: DrsDeciderOptions,
): Decider {
  const { gammas, sampleSize, classes } = options;
  // Only the round sizes of the options: a decider may outlive its request, and the options a
  // caller passes (a signal, a renderer's closure) must not live on with it.
  const sizes = { minBatch: options.minBatch, maxBatch: options.maxBatch };
  const calibrator = options.calibrator?.kind === "identity" ? undefined : options.calibrator;
  const lanes: DrsLane[] = constants.map((c, k) => ({
    state: createDrsState(c.logM),
    options: { epsilon: c.epsilon, gamma: gammas[k] },
  }));
  // The lane a request can touch: all of them, or the requested class's.
  const only = classes ? classes.fixed : 0;
  const inPlay = only === undefined ? lanes.map((_, k) => k) : [only];
  const expected = inPlay.reduce(
    (a, k) => a + laneAcceptance(constants[k].fQuantiles, gammas[k]),
    0,
  ) / inPlay.length;
  let accepted = 0;
  // The acceptance rate the current round was sized with: the calibrated one at first, then
  // the observed one (with a prior).
  let rate = expected;
  return {
    needsLogits: true,
    get accepted() {
      return accepted;
    },
    classesFor: classes && ((start, count) => classesOf(classes, { start, count })),
    roundSize(remaining, evaluated) {
      rate = evaluated === 0 ? expected : (accepted + 1) / (evaluated + 1 / expected);
      return batchSize(remaining, rate, sizes);
    },
    decide(chunk, need) {
      const logits = calibrator ? calibrateLogits(chunk.logits!, calibrator) : chunk.logits!;
      // Up to the proposal that completes the request: the states (logM raises, counts) never
      // see proposals past it (the chunk's tail is not part of the request).
      const kept = decideBatchIn(
        { logits, draws: chunk.u, lane: chunk.classes },
        lanes,
        { limit: need },
      );
      accepted += kept.length;
      return {
        rows: kept.map((i) => chunk.x.subarray(i * sampleSize, (i + 1) * sampleSize)),
        labels: chunk.classes && kept.map((i) => chunk.classes![i]),
      };
    },
    stats: () => laneStats(lanes, constants, gammas, only),
    likelyCompletes: (size, remaining) => size * rate >= remaining,
  };
}
