/**
 * Metrics of a class-conditional G: `perClass` samples of every class, classified by the
 * project classifier. FD of the classifier's penultimate features against the held-out real
 * images (all classes, and each class against its own real images), classifier IS, and class
 * accuracy: the fraction of samples classified as the class they were asked for.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { normals } from "../../shared/rng.ts";
import type { Classified } from "../classifier/features.ts";
import { IMAGE_PIXELS, type LabelledImages } from "../data/labelled.ts";
import { inceptionScore } from "./images.ts";
import { frechetDistance, type GaussianStats, gaussianStats } from "./symmetric.ts";

/** Metrics of one class. */
export interface ClassMetrics {
  /** Fraction of the class's samples classified as the class. */
  accuracy: number;
  /** FD of the class's samples against the real images of the class. */
  fd: number;
}

/** Metrics of a conditional image set (equal counts per class). */
export interface CondMetrics {
  /** FD against all held-out real images. Lower is better. */
  fd: number;
  inceptionScore: number;
  /** Fraction classified as the requested (or, for real images, true) class. */
  classAccuracy: number;
  perClass: ClassMetrics[];
}

/** Options for {@linkcode generateByClass}. */
export interface GenerateOptions {
  /** Seed of the latents (kept apart from training seeds). @default {424242} */
  seed?: number;
  /** Images per forward pass. @default {500} */
  batch?: number;
}

/**
 * `perClass` samples of each of `classes` classes from G in inference mode, class-major:
 * rows `c * perClass ..` are class c. Returns `// [classes * perClass, IMAGE_PIXELS]` in [-1, 1].
 */
export function generateByClass(
  generator: tf.LayersModel,
  shape: { latentDim: number; classes: number; perClass: number },
  options: GenerateOptions = {},
): Float32Array {
  const { latentDim, classes, perClass } = shape;
  const seed = options.seed ?? 424242, batch = options.batch ?? 500;
  const n = classes * perClass;
  const out = new Float32Array(n * IMAGE_PIXELS);
  for (let start = 0; start < n; start += batch) {
    const count = Math.min(batch, n - start);
    const z = normals(seed, { start, count, dim: latentDim }); // [count, latentDim]
    const y = Int32Array.from({ length: count }, (_, k) => Math.floor((start + k) / perClass));
    const x = tf.tidy(() =>
      (generator.predict([
        tf.tensor2d(z, [count, latentDim]),
        tf.tensor2d(y, [count, 1], "int32"),
      ]) as tf.Tensor)
        .dataSync() as Float32Array
    );
    out.set(x, start * IMAGE_PIXELS);
  }
  return out;
}

/** Rows of `classified` features whose label is `c`: `// [count, dim]`. */
function rowsOf(
  features: Float32Array,
  select: { labels: ArrayLike<number>; dim: number; c: number },
): { rows: Float32Array; count: number } {
  const { labels, dim, c } = select;
  const picked: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === c) picked.push(i);
  const rows = new Float32Array(picked.length * dim);
  picked.forEach((i, k) => rows.set(features.subarray(i * dim, (i + 1) * dim), k * dim));
  return { rows, count: picked.length };
}

/** Feature statistics of real images: all of them and per class. */
export interface RealStats {
  all: GaussianStats;
  perClass: GaussianStats[];
}

/** Statistics of classified real images with labels `// [n]`. */
export function realStats(real: Classified, labels: ArrayLike<number>, classes = 10): RealStats {
  const dim = real.featureDim;
  return {
    all: gaussianStats(real.features, labels.length, dim),
    perClass: Array.from({ length: classes }, (_, c) => {
      const { rows, count } = rowsOf(real.features, { labels, dim, c });
      return gaussianStats(rows, count, dim);
    }),
  };
}

/** Metrics of classified images whose requested (or true) classes are `labels` `// [n]`. */
export function condMetrics(
  classified: Classified,
  labels: ArrayLike<number>,
  reference: RealStats,
): CondMetrics {
  const n = labels.length, dim = classified.featureDim, classes = reference.perClass.length;
  const hits = new Float64Array(classes), counts = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    const row = classified.probs.subarray(i * classes, (i + 1) * classes);
    let best = 0;
    for (let k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
    counts[labels[i]]++;
    if (best === labels[i]) hits[labels[i]]++;
  }
  const perClass = Array.from({ length: classes }, (_, c) => {
    const { rows, count } = rowsOf(classified.features, { labels, dim, c });
    return {
      accuracy: hits[c] / counts[c],
      fd: frechetDistance(gaussianStats(rows, count, dim), reference.perClass[c]),
    };
  });
  return {
    fd: frechetDistance(gaussianStats(classified.features, n, dim), reference.all),
    inceptionScore: inceptionScore(classified.probs, n, classes),
    classAccuracy: hits.reduce((a, b) => a + b, 0) / n,
    perClass,
  };
}

/**
 * `count` images of `split`, evenly spaced over it (all of them when `count` is its size, so
 * a split sorted by class stays balanced), in [-1, 1], and their labels.
 */
export function splitImages(
  split: LabelledImages,
  count: number,
): { images: Float32Array; labels: Uint8Array } {
  const images = new Float32Array(count * IMAGE_PIXELS), labels = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const i = Math.floor((k * split.count) / count);
    const src = split.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS);
    for (let p = 0; p < IMAGE_PIXELS; p++) images[k * IMAGE_PIXELS + p] = src[p] / 127.5 - 1;
    labels[k] = split.labels[i];
  }
  return { images, labels };
}
