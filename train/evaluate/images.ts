/**
 * Classifier-based image metrics (MNIST): the Frechet distance between classifier
 * penultimate-layer features of samples and of the test images (FD), the classifier Inception
 * Score (IS) and the KL divergence of the predicted-class histogram from uniform.
 *
 * @module
 */

import type { Classified } from "../classifier/features.ts";
import { frechetDistance, type GaussianStats, gaussianStats } from "./symmetric.ts";

/** Metrics of one set of images. */
export interface ImageMetrics {
  /** Frechet distance of classifier features to the reference (test) images. Lower is better. */
  fd: number;
  /** exp(E_x KL(p(y|x) || p(y))): high when each image is confidently one class and classes are balanced. */
  inceptionScore: number;
  /** KL(predicted-class histogram || uniform over 10 classes), nats. 0 is perfectly balanced. */
  classKl: number;
  /** Mean max class probability (confidence). */
  confidence: number;
}

/** Feature statistics of the reference images (computed once). */
export function referenceStats(reference: Classified, n: number): GaussianStats {
  return gaussianStats(reference.features, n, reference.featureDim);
}

/** Classifier Inception Score of `n` rows of class probabilities (`// [n, classes]`). */
export function inceptionScore(probs: ArrayLike<number>, n: number, classes = 10): number {
  const marginal = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < classes; k++) marginal[k] += probs[i * classes + k] / n;
  }
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < classes; k++) {
      const p = probs[i * classes + k];
      if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[k]));
    }
  }
  return Math.exp(kl / n);
}

/** Histogram of the argmax class: `// [classes]`, summing to 1. */
export function classHistogram(probs: ArrayLike<number>, n: number, classes = 10): Float64Array {
  const h = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) {
      if (probs[i * classes + k] > probs[i * classes + best]) best = k;
    }
    h[best] += 1 / n;
  }
  return h;
}

/** KL(h || uniform) = sum h log(h * classes), in nats. */
export function klFromUniform(h: ArrayLike<number>): number {
  let kl = 0;
  for (let k = 0; k < h.length; k++) if (h[k] > 0) kl += h[k] * Math.log(h[k] * h.length);
  return kl;
}

/** All metrics of `n` classified images against the reference statistics. */
export function imageMetrics(
  classified: Classified,
  n: number,
  reference: GaussianStats,
): ImageMetrics {
  let confidence = 0;
  for (let i = 0; i < n; i++) {
    confidence += Math.max(...classified.probs.subarray(i * 10, i * 10 + 10)) / n;
  }
  return {
    fd: frechetDistance(gaussianStats(classified.features, n, classified.featureDim), reference),
    inceptionScore: inceptionScore(classified.probs, n),
    classKl: klFromUniform(classHistogram(classified.probs, n)),
    confidence,
  };
}

/** The metrics table: one row per named set, e.g. raw, drs, real, noise. */
export function formatImageTable(
  rows: Record<string, ImageMetrics & { acceptance?: number }>,
): string {
  const head = "set          FD        IS      class KL   confidence  acceptance";
  const lines = Object.entries(rows).map(([name, m]) =>
    `${name.padEnd(10)} ${m.fd.toFixed(3).padStart(9)} ${
      m.inceptionScore.toFixed(3).padStart(8)
    } ` +
    `${m.classKl.toFixed(4).padStart(10)} ${m.confidence.toFixed(4).padStart(11)} ` +
    `${
      m.acceptance === undefined
        ? "-".padStart(11)
        : (m.acceptance * 100).toFixed(1).padStart(10) + "%"
    }`
  );
  return [head, ...lines].join("\n");
}
