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

/** Metrics of `points` (`// [n, 2]`) against `mix`. */
export function pointMetrics(
  points: Float32Array,
  mix: Mixture,
  options: PointMetricsOptions = {},
): { metrics: PointMetrics; histogram: number[] } {
  const radius = (options.stds ?? 4) * mix.std;
  const coverShare = options.coverShare ?? 0.05;
  const n = points.length / 2;
  const histogram = new Array<number>(mix.means.length).fill(0);
  let hq = 0, sq = 0;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i], y = points[2 * i + 1];
    let best = Infinity, mode = -1;
    for (let k = 0; k < mix.means.length; k++) {
      const d = (x - mix.means[k][0]) ** 2 + (y - mix.means[k][1]) ** 2;
      if (d < best) [best, mode] = [d, k];
    }
    if (Math.sqrt(best) <= radius) {
      hq++;
      histogram[mode]++;
      sq += best / 2;
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
