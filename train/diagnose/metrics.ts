/**
 * Diagnostics of a density-ratio estimator (a discriminator's logit) as pure functions over
 * logits and labels: how sample quality follows the logit rank, how the logit and the
 * reweighted mass differ between classes (modes), and how well sigmoid(logit) is calibrated
 * on a balanced held-out real/fake set.
 *
 * @module
 */

import { sigmoid } from "../../shared/drs.ts";

/** Quality of the top share of samples by logit. */
export interface RankRow {
  /** Share of samples kept, highest logits first (0..1]. */
  top: number;
  /** Samples in that share. */
  count: number;
  /** Share of them that are good (high quality). */
  goodShare: number;
  /** The lowest logit kept. */
  minLogit: number;
}

/** Default shares for {@linkcode rankQuality}: 0.1%, 1%, 5%, 10%, 25%, 50%, all. */
export const RANK_SHARES = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1] as const;

/** Indices of finite logits, highest first. */
function byLogitDescending(logits: ArrayLike<number>): number[] {
  const order: number[] = [];
  for (let i = 0; i < logits.length; i++) if (!Number.isNaN(logits[i])) order.push(i);
  return order.sort((i, j) => logits[j] - logits[i]);
}

/** Good share among the top `shares` of samples by logit (NaN logits rank last, unkept). */
export function rankQuality(
  logits: ArrayLike<number>,
  good: ArrayLike<number>,
  shares: readonly number[] = RANK_SHARES,
): RankRow[] {
  if (good.length !== logits.length) {
    throw new RangeError(
      `Cannot rank as 'good' must hold one flag per logit: ${good.length} vs ${logits.length}`,
    );
  }
  const order = byLogitDescending(logits);
  return shares.map((top) => {
    if (!(top > 0 && top <= 1)) {
      throw new RangeError(`Cannot rank as a share must be in (0, 1]: current value is ${top}`);
    }
    const count = Math.max(1, Math.round(top * logits.length));
    let hits = 0;
    const kept = Math.min(count, order.length);
    for (let k = 0; k < kept; k++) hits += good[order[k]] ? 1 : 0;
    return {
      top,
      count,
      goodShare: hits / count,
      minLogit: kept > 0 ? logits[order[kept - 1]] : NaN,
    };
  });
}

/** Per-class statistics of good samples. */
export interface ClassRow {
  /** Class index (a mode of a mixture, a digit of MNIST). */
  index: number;
  /** Samples assigned to the class (good or not). */
  count: number;
  /** Good samples of the class. */
  good: number;
  /** Mean logit of the good samples (NaN when none). */
  meanLogit: number;
  /** Share of all good samples in this class. */
  massRaw: number;
  /** Share of the exp(logit) weight of all good samples in this class. */
  massReweighted: number;
}

/** What {@linkcode classStats} returns. */
export interface ClassStats {
  rows: ClassRow[];
  /** KL(mass || uniform) in nats, raw and reweighted. */
  klRaw: number;
  klReweighted: number;
  /** Largest minus smallest per-class mean logit (classes with good samples). */
  meanLogitSpread: number;
  /** Share of good samples after reweighting every sample by exp(logit). */
  goodShareReweighted: number;
  /** Effective sample size of the exp(logit) weights over all samples, as a share of n. */
  effectiveSampleShare: number;
}

function klToUniform(mass: number[]): number {
  let kl = 0;
  for (const m of mass) if (m > 0) kl += m * Math.log(m * mass.length);
  return kl;
}

/**
 * Per-class mean logit of good samples and class masses of raw vs exp(logit)-reweighted good
 * samples (the law an exact importance resampler with this ratio would return). Samples with a
 * NaN logit are left out; weights use exp(logit - max) so nothing overflows.
 */
export function classStats(
  logits: ArrayLike<number>,
  labels: { classes: ArrayLike<number>; good: ArrayLike<number>; classCount: number },
): ClassStats {
  const { classes, good, classCount } = labels;
  if (classes.length !== logits.length || good.length !== logits.length) {
    throw new RangeError(
      `Cannot compute class statistics as 'classes' and 'good' must hold one entry per logit: ` +
        `${classes.length} and ${good.length} vs ${logits.length}`,
    );
  }
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  const count = new Array<number>(classCount).fill(0), hits = count.slice();
  const sumLogit = count.slice(), weight = count.slice();
  let wAll = 0, w2All = 0, wGood = 0, nAll = 0;
  for (let i = 0; i < logits.length; i++) {
    const l = logits[i];
    if (Number.isNaN(l)) continue;
    const k = classes[i];
    if (!(k >= 0 && k < classCount)) {
      throw new RangeError(`Cannot compute class statistics as classes[${i}] is ${k}`);
    }
    const w = Math.exp(l - max);
    nAll++;
    wAll += w;
    w2All += w * w;
    count[k]++;
    if (!good[i]) continue;
    hits[k]++;
    sumLogit[k] += l;
    weight[k] += w;
    wGood += w;
  }
  const goodTotal = hits.reduce((a, b) => a + b, 0);
  const rows = count.map((c, k) => ({
    index: k,
    count: c,
    good: hits[k],
    meanLogit: hits[k] > 0 ? sumLogit[k] / hits[k] : NaN,
    massRaw: goodTotal > 0 ? hits[k] / goodTotal : 0,
    massReweighted: wGood > 0 ? weight[k] / wGood : 0,
  }));
  const means = rows.filter((r) => r.good > 0).map((r) => r.meanLogit);
  return {
    rows,
    klRaw: klToUniform(rows.map((r) => r.massRaw)),
    klReweighted: klToUniform(rows.map((r) => r.massReweighted)),
    meanLogitSpread: means.length > 0 ? Math.max(...means) - Math.min(...means) : NaN,
    goodShareReweighted: wAll > 0 ? wGood / wAll : NaN,
    effectiveSampleShare: nAll > 0 && w2All > 0 ? (wAll * wAll) / w2All / nAll : NaN,
  };
}

/** One bin of a reliability table. */
export interface ReliabilityBin {
  /** Predicted probability range [lo, hi). */
  lo: number;
  hi: number;
  count: number;
  /** Mean predicted D in the bin. */
  meanPredicted: number;
  /** Share of real samples in the bin. */
  realShare: number;
}

/** Calibration of D = sigmoid(logit) on real vs fake samples. */
export interface Reliability {
  bins: ReliabilityBin[];
  /** Expected calibration error: sum over bins of (count / n) |meanPredicted - realShare|. */
  ece: number;
  /** Mean (D - label)^2. */
  brier: number;
  /** Mean binary cross-entropy (nats). */
  logLoss: number;
  /** Area under the ROC curve (real above fake), ties counted half. */
  auc: number;
  /** Samples of each label. */
  real: number;
  fake: number;
}

/** log(1 + exp(x)) without overflow. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** AUC by the rank-sum (Mann-Whitney) statistic. */
function auc(real: ArrayLike<number>, fake: ArrayLike<number>): number {
  const all = [
    ...Array.from(real, (v) => [v, 1] as const),
    ...Array.from(fake, (v) => [v, 0] as const),
  ].sort((p, q) => p[0] - q[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const midRank = (i + 1 + j) / 2; // average of ranks i+1 .. j
    for (let k = i; k < j; k++) if (all[k][1] === 1) rankSum += midRank;
    i = j;
  }
  const nr = real.length, nf = fake.length;
  return (rankSum - (nr * (nr + 1)) / 2) / (nr * nf);
}

/**
 * Reliability table (equal-width bins of predicted D), ECE, Brier score, log loss and AUC of
 * sigmoid(logit) for real (label 1) vs fake (label 0) logits. Pass equally many of each for
 * the balanced set on which D* = p_data / (p_data + p_g). Logits must be finite or infinite,
 * not NaN.
 */
export function reliability(
  real: ArrayLike<number>,
  fake: ArrayLike<number>,
  options: { bins?: number } = {},
): Reliability {
  const binCount = options.bins ?? 10;
  if (real.length === 0 || fake.length === 0) {
    throw new RangeError("Cannot compute reliability as it needs both real and fake logits");
  }
  const count = new Array<number>(binCount).fill(0), sumP = count.slice(), reals = count.slice();
  let brier = 0, logLoss = 0;
  const add = (l: number, label: number) => {
    if (Number.isNaN(l)) throw new RangeError("Cannot compute reliability of a NaN logit");
    const p = sigmoid(l);
    const b = Math.min(binCount - 1, Math.floor(p * binCount));
    count[b]++;
    sumP[b] += p;
    reals[b] += label;
    brier += (p - label) ** 2;
    logLoss += label === 1 ? softplus(-l) : softplus(l);
  };
  for (let i = 0; i < real.length; i++) add(real[i], 1);
  for (let i = 0; i < fake.length; i++) add(fake[i], 0);
  const n = real.length + fake.length;
  const bins = count.map((c, b) => ({
    lo: b / binCount,
    hi: (b + 1) / binCount,
    count: c,
    meanPredicted: c > 0 ? sumP[b] / c : NaN,
    realShare: c > 0 ? reals[b] / c : NaN,
  }));
  const ece = bins.reduce(
    (
      s,
      bin,
    ) => (bin.count > 0 ? s + (bin.count / n) * Math.abs(bin.meanPredicted - bin.realShare) : s),
    0,
  );
  return {
    bins,
    ece,
    brier: brier / n,
    logLoss: logLoss / n,
    auc: auc(real, fake),
    real: real.length,
    fake: fake.length,
  };
}
