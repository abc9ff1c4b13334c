/**
 * Estimating the DRS constants from a burn-in of generator samples: logM, gamma as a
 * percentile of F, the expected acceptance rate and a quantile table of F that maps a target
 * acceptance rate back to gamma without another burn-in.
 *
 * @module
 */

import { computeF, DEFAULT_EPSILON, sigmoid } from "./drs.ts";

/**
 * The q-th percentile (q in 0..100, numpy's linear interpolation) of `values`.
 * q is in percent: 95 means the 95th percentile, 0.95 means the 0.95th.
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) {
    throw new RangeError(
      `Cannot take a percentile as 'q' must be in 0..100: current value is ${q}`,
    );
  }
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) throw new RangeError("Cannot take a percentile of no values");
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The largest finite logit of a burn-in (logM). */
export function estimateLogM(logits: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    if (Number.isFinite(logits[i]) && logits[i] > max) max = logits[i];
  }
  if (max === -Infinity) throw new RangeError("Cannot estimate logM as no burn-in logit is finite");
  return max;
}

/** Mean acceptance probability sigmoid(F0 - gamma) over F values computed with gamma = 0. */
export function expectedAcceptance(f0: ArrayLike<number>, gamma: number): number {
  let sum = 0;
  for (let i = 0; i < f0.length; i++) sum += sigmoid(f0[i] - gamma);
  return sum / f0.length;
}

/**
 * gamma that gives a target acceptance rate, from a table of F quantiles (treated as an
 * equally weighted sample of F). Solved by bisection: acceptance falls as gamma rises.
 */
export function gammaForAcceptance(target: number, fQuantiles: ArrayLike<number>): number {
  if (!(target > 0 && target < 1)) {
    throw new RangeError(
      `Cannot pick gamma as 'acceptance' must be in (0, 1): current value is ${target}`,
    );
  }
  let lo = -1000, hi = 1000;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (expectedAcceptance(fQuantiles, mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The percentile q (0..100) of `f0` (F with gamma = 0 over a burn-in) whose value is the gamma
 * giving a `target` acceptance on that burn-in, so that `calibrateDrs(logits, { percentile: q })`
 * sets gamma for the target. Solved by bisection on q.
 */
export function percentileForAcceptance(target: number, f0: ArrayLike<number>): number {
  const gamma = gammaForAcceptance(target, f0);
  const sorted = Float64Array.from(f0).sort();
  if (sorted.length === 0) throw new RangeError("Cannot pick a percentile of no F values");
  if (gamma <= sorted[0]) return 0;
  if (gamma >= sorted[sorted.length - 1]) return 100;
  let lo = 0, hi = 100;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (percentile(sorted, mid) < gamma) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Options for {@linkcode calibrateDrs}. */
export interface CalibrateOptions {
  /** Percentile of F (0..100) used as gamma. @default {95} */
  percentile?: number;
  /** @default {1e-6} */
  epsilon?: number;
}

/** The manifest's `drs` block. */
export interface DrsConstants {
  logM: number;
  gamma: number;
  epsilon: number;
  percentile: number;
  burnInSamples: number;
  expectedAcceptance: number;
  /** F (with gamma = 0) at q = 0, 1, ..., 100. */
  fQuantiles: number[];
}

/** DRS constants from the discriminator logits of a burn-in of generator samples. */
export function calibrateDrs(
  logits: ArrayLike<number>,
  options: CalibrateOptions = {},
): DrsConstants {
  const q = options.percentile ?? 95;
  const epsilon = options.epsilon ?? DEFAULT_EPSILON;
  if (!(q >= 0 && q <= 100)) {
    throw new RangeError(
      `Cannot calibrate as 'percentile' must be in 0..100: current value is ${q}`,
    );
  }
  const logM = estimateLogM(logits);
  const f0: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    if (Number.isFinite(logits[i])) f0.push(computeF(logits[i], logM, { epsilon }));
  }
  const gamma = percentile(f0, q);
  const fQuantiles = Array.from({ length: 101 }, (_, k) => percentile(f0, k));
  return {
    logM,
    gamma,
    epsilon,
    percentile: q,
    burnInSamples: logits.length,
    expectedAcceptance: expectedAcceptance(f0, gamma),
    fQuantiles,
  };
}
