/**
 * Quality of 2D samples against a known mixture: the DRS paper's synthetic metrics.
 *
 * @module
 */

import type { Mixture } from "../data/gaussians.ts";

/** Metrics of a set of 2D samples. */
export type PointMetrics = {
  /** Share of samples within 4 std of their nearest mode (0..1). */
  highQuality: number;
  /** Modes holding at least 5% of their expected share of high-quality samples. */
  modesCovered: number;
  /** KL(mode histogram of high-quality samples || uniform), nats. */
  kl: number;
  /** RMS per-coordinate distance of high-quality samples from their mode. */
  hqStd: number;
};

/** Options for {@linkcode pointMetrics}. */
export interface PointMetricsOptions {
  /** High quality = within this many std of the nearest mode. @default {4} */
  stds?: number;
  /** A mode is covered at this share of its expected count. @default {0.05} */
  coverShare?: number;
}

/** Nearest mode of each point and whether it lies within the high-quality radius. */
export interface PointLabels {
  /** Index of the nearest mode: `// [n]`. */
  classes: Int32Array;
  /** 1 when within `stds` std of that mode (high quality), else 0: `// [n]`. */
  good: Uint8Array;
  /** Squared distance to the nearest mode: `// [n]`. */
  squaredDistance: Float64Array;
  /** Modes of the mixture. */
  classCount: number;
}

/** Labels `points` (`// [n, 2]`) by nearest mode of `mix`; good = within `stds` std (default 4). */
export function pointLabels(
  points: Float32Array,
  mix: Mixture,
  options: { stds?: number } = {},
): PointLabels {
  const radius = (options.stds ?? 4) * mix.std;
  const n = points.length / 2;
  const classes = new Int32Array(n), good = new Uint8Array(n);
  const squaredDistance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = points[2 * i], y = points[2 * i + 1];
    let best = Infinity, mode = -1;
    for (let k = 0; k < mix.means.length; k++) {
      const d = (x - mix.means[k][0]) ** 2 + (y - mix.means[k][1]) ** 2;
      if (d < best) [best, mode] = [d, k];
    }
    classes[i] = mode;
    squaredDistance[i] = best;
    good[i] = Math.sqrt(best) <= radius ? 1 : 0;
  }
  return { classes, good, squaredDistance, classCount: mix.means.length };
}

/** Metrics of `points` (`// [n, 2]`) against `mix`. */
export function pointMetrics(
  points: Float32Array,
  mix: Mixture,
  options: PointMetricsOptions = {},
): { metrics: PointMetrics; histogram: number[] } {
  const coverShare = options.coverShare ?? 0.05;
  const n = points.length / 2;
  const labels = pointLabels(points, mix, { stds: options.stds });
  const histogram = new Array<number>(mix.means.length).fill(0);
  let hq = 0, sq = 0;
  for (let i = 0; i < n; i++) {
    if (labels.good[i]) {
      hq++;
      histogram[labels.classes[i]]++;
      sq += labels.squaredDistance[i] / 2;
    }
  }
  const modes = mix.means.length;
  const expected = hq / modes;
  let kl = 0;
  for (const c of histogram) if (c > 0) kl += (c / hq) * Math.log((c / hq) * modes);
  const metrics = {
    highQuality: n > 0 ? hq / n : 0,
    modesCovered: hq > 0 ? histogram.filter((c) => c >= coverShare * expected).length : 0,
    kl: hq > 0 ? kl : Infinity,
    hqStd: hq > 0 ? Math.sqrt(sq / hq) : NaN,
  };
  return { metrics, histogram };
}
