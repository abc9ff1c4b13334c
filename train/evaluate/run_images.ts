/**
 * Raw G vs DRS on the same image model, through a serving Backend: 10,000 samples of each
 * (drawn through the sampling core, see collect.ts), classifier metrics
 * against the test split, and sanity rows: real images (near perfect) and uniform noise
 * (terrible).
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { uniforms } from "../../shared/rng.ts";
import { classify } from "../classifier/features.ts";
import { type MnistSplit, scaledPixels } from "../data/mnist.ts";
import { collectSamples, type EvaluatedModel } from "./collect.ts";
import { type ImageMetrics, imageMetrics, referenceStats } from "./images.ts";

/** The manifest's metrics for an image model, plus the samples for figures. */
export interface ImageEvaluation {
  samples: number;
  seed: number;
  raw: ImageMetrics;
  drs: ImageMetrics & { acceptance: number; logMRaises: number };
  /** Sanity rows: `real` (training-split images vs the test split) and `noise`. */
  reference: { real: ImageMetrics; noise: ImageMetrics };
  rawImages: Float32Array;
  drsImages: Float32Array;
}

/** Options for {@linkcode evaluateImageModel}. */
export interface EvaluateImageOptions {
  /** Samples of each kind (and test images as the reference). @default {10000} */
  samples?: number;
  /** Seed of the evaluation run (kept apart from burn-in and serving seeds). @default {424242} */
  seed?: number;
}

/** Uniform noise images in [-1, 1]: `// [n, 784]`. */
export function noiseImages(n: number, seed: number): Float32Array {
  return Float32Array.from(
    uniforms(seed, { start: 0, count: n * 784 }, { stream: 30 }),
    (u) => 2 * u - 1,
  );
}

/** Evaluates raw G and DRS (constants from calibration) against the MNIST test split. */
export async function evaluateImageModel(
  model: EvaluatedModel & {
    classifier: tf.LayersModel;
    test: MnistSplit;
    train: MnistSplit;
  },
  options: EvaluateImageOptions = {},
): Promise<ImageEvaluation> {
  const samples = options.samples ?? 10_000;
  const seed = options.seed ?? 424242;
  const n = Math.min(samples, model.test.count);
  const { classifier } = model;
  const reference = referenceStats(classify(classifier, scaledPixels(model.test, 0, n), n), n);
  const score = (x: Float32Array, count: number) =>
    imageMetrics(classify(classifier, x, count), count, reference);
  const raw = await collectSamples(model, samples, { seed, sampler: { kind: "raw" } });
  const drs = await collectSamples(model, samples, { seed });
  // The last n training images (they include KeepTraining's held-out slice): unseen by the
  // classifier's test-time statistics, so FD is small but not zero.
  const realStart = model.train.count - n;
  return {
    samples,
    seed,
    raw: score(raw.x, samples),
    drs: {
      ...score(drs.x, samples),
      acceptance: drs.stats.acceptanceRate,
      logMRaises: drs.stats.logMRaises,
    },
    reference: {
      real: score(scaledPixels(model.train, realStart, n), n),
      noise: score(noiseImages(n, seed), n),
    },
    rawImages: raw.x,
    drsImages: drs.x,
  };
}
