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
  /** Smallest batch. @default {16, or 1 when `callCost` sizes the rounds} */
  minBatch?: number;
  /** Largest batch. @default {8192} */
  maxBatch?: number;
  /**
   * The fixed cost of one G+D call in proposals (`c0 / c1` of `t(k) = c0 + c1 k`, measured per
   * model: `sampling/call_cost.ts`). Below {@linkcode COMPUTE_BOUND}, proposals are what costs
   * and rounds are sized by quantile: the first for about the median, later ones for the 98th
   * percentile of what is left. @default {undefined} (one round that completes w.h.p.)
   */
  callCost?: number;
  /**
   * With `callCost`: the probability the first round completes the request before the call
   * cost's share raises it (0.5: about the median). Higher costs the typical request a few
   * proposals and spares more of them a second round: the tail. @default {0.5}
   */
  firstQuantile?: number;
}

/** Models whose call overhead is worth fewer proposals than this are compute-bound. */
export const COMPUTE_BOUND = 8;

/** The standard normal quantile for q in (0, 1), by bisection on erf (|z| <= 6). */
function normalQuantile(q: number): number {
  let lo = -6, hi = 6;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (0.5 * (1 + erfApprox(mid / Math.SQRT2)) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** erf to ~1e-7 (Abramowitz and Stegun 7.1.26): ample for sizing rounds. */
function erfApprox(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t +
        0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/**
 * The smallest k whose proposals hold `remaining` acceptances with probability `q` at acceptance
 * `p`: exact for one (geometric), a normal approximation of the binomial beyond.
 */
export function quantileRound(remaining: number, p: number, q: number): number {
  if (p >= 1) return remaining;
  if (remaining <= 1) return Math.max(1, Math.ceil(Math.log(1 - q) / Math.log(1 - p)));
  const z = normalQuantile(q), sd = Math.sqrt(p * (1 - p));
  const s = (z * sd + Math.sqrt(z * z * sd * sd + 4 * p * (remaining - 0.5))) / (2 * p);
  return Math.max(remaining, Math.ceil(s * s));
}

/**
 * Proposals to evaluate next for `remaining` samples at acceptance `rate`. With a cheap
 * proposal (no `callCost`, or one at least {@linkcode COMPUTE_BOUND}), enough that one round
 * completes with high probability; with an expensive one, the first round (`first`) aims at the
 * median, raised by the call cost's share, and later rounds at the 98th percentile, so the tail
 * is one more round.
 */
export function batchSize(
  remaining: number,
  rate: number,
  options: BatchSizeOptions = {},
  first = true,
): number {
  const p = Math.min(1, Math.max(rate, 1e-4));
  const max = options.maxBatch ?? 8192;
  const cost = options.callCost;
  if (cost === undefined || !(cost < COMPUTE_BOUND)) {
    const want = Math.ceil((remaining + 2 * Math.sqrt(remaining) + 1) / p);
    return Math.min(max, Math.max(options.minBatch ?? 16, want));
  }
  // Later rounds at 0.98: with a first round that completes about half the time, one request
  // in a hundred needs a third.
  const q0 = options.firstQuantile ?? 0.5;
  const q = first ? q0 + (1 - q0) * cost / (cost + remaining / p) : 0.98;
  return Math.min(max, Math.max(options.minBatch ?? 1, quantileRound(remaining, p, q)));
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
  const sizes = {
    minBatch: options.minBatch,
    maxBatch: options.maxBatch,
    callCost: options.callCost,
    firstQuantile: options.firstQuantile,
  };
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
  const costly = options.callCost !== undefined && options.callCost < COMPUTE_BOUND;
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
      // The observed rate, with the calibrated one as a prior worth one acceptance; for a
      // compute-bound model (quantile rounds) worth four, so one short first round does not
      // swell the next.
      const prior = costly ? 4 : 1;
      rate = evaluated === 0 ? expected : (accepted + prior) / (evaluated + prior / expected);
      return batchSize(remaining, rate, sizes, evaluated === 0);
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
