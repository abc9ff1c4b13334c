/**
 * Raw-G evaluation of a conditional image model: `perClass` samples of every class from G
 * (inference mode, as exported), classified by the project classifier, against the held-out
 * real images (the test split); a sanity row for real training images; and the sample sheet
 * (one row per class).
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { classify } from "../classifier/features.ts";
import type { LabelledImages } from "../data/labelled.ts";
import { renderClassGrid } from "../report_cond.ts";
import { type CondMetrics, condMetrics, generateByClass, realStats, splitImages } from "./cond.ts";

/** What {@linkcode evaluateCond} measures. */
export interface CondEvaluation {
  samplesPerClass: number;
  seed: number;
  raw: CondMetrics;
  /** Real training images vs the held-out images: the floor of FD, the classifier's accuracy. */
  real: CondMetrics;
  referenceImages: number;
}

/** Evaluates G; writes the sample sheet (PNG) to `sheet` when given. */
export async function evaluateCond(
  generator: tf.LayersModel,
  context: {
    classifier: tf.LayersModel;
    test: LabelledImages;
    train: LabelledImages;
    latentDim: number;
    perClass: number;
    /** Held-out images compared against (and training images of the sanity row). @default {10000} */
    realImages?: number;
    /** Path of the sample sheet to write. */
    sheet?: string;
    seed?: number;
  },
): Promise<CondEvaluation> {
  const { classifier, test, train, latentDim, perClass } = context;
  const seed = context.seed ?? 424242, classes = 10, n = classes * perClass;
  const heldCount = Math.min(context.realImages ?? 10_000, test.count);
  const held = splitImages(test, heldCount);
  const stats = realStats(classify(classifier, held.images, heldCount), held.labels, classes);
  const images = generateByClass(generator, { latentDim, classes, perClass }, { seed });
  const labels = Uint8Array.from({ length: n }, (_, i) => Math.floor(i / perClass));
  const raw = condMetrics(classify(classifier, images, n), labels, stats);
  const realCount = Math.min(context.realImages ?? 10_000, train.count);
  const real = splitImages(train, realCount);
  const realMetrics = condMetrics(classify(classifier, real.images, realCount), real.labels, stats);
  if (context.sheet) {
    const caption = `RAW G  FD ${raw.fd.toFixed(2)}  ACC ${(raw.classAccuracy * 100).toFixed(1)}%` +
      `  IS ${raw.inceptionScore.toFixed(2)}`;
    await Deno.writeFile(
      context.sheet,
      renderClassGrid(images, { classes, perClass }, { cols: 12, caption }),
    );
  }
  return {
    samplesPerClass: perClass,
    seed,
    raw,
    real: realMetrics,
    referenceImages: heldCount,
  };
}
