/**
 * Labelled 28 x 28 images for conditional GAN training: batches of images in [-1, 1] with
 * their class, and a held-out part of the training split for KeepTraining(D). Works on any
 * {@linkcode LabelledImages} split (MNIST, Fashion-MNIST).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { uniforms } from "../../shared/rng.ts";
import { IMAGE_PIXELS as PIXELS, IMAGE_SHAPE, type LabelledImages } from "./labelled.ts";
import { permutation } from "./permutation.ts";

/** Images and their classes. */
export interface LabelledBatch {
  /** `// [count, 28, 28, 1]` in [-1, 1]. */
  x: tf.Tensor4D;
  /** `// [count, 1]` int32. */
  y: tf.Tensor2D;
}

/** Training and held-out batches by index. */
export interface LabelledSource {
  /** Shape of one image. */
  sampleShape: readonly number[];
  classes: number;
  /** Training images `start .. start + count - 1` (drawn with replacement, seeded). */
  train(start: number, count: number): LabelledBatch;
  /** Held-out images `start .. start + count - 1` (never in `train`). */
  heldOut(start: number, count: number): LabelledBatch;
  heldOutCount: number;
}

/** Options for {@linkcode labelledSource}. */
export interface LabelledSourceOptions {
  /** Training images held out (a seeded random choice). @default {5000} */
  heldOut?: number;
  /** Seed of the held-out choice and of the training draws. @default {1} */
  seed?: number;
  /** Number of classes. @default {10} */
  classes?: number;
}

/** Data RNG streams (apart from the latent and class streams of the loop). */
const STREAM_SPLIT = 13, STREAM_PICK = 14;

/** Images `indices` of `split` as a batch. */
export function gatherBatch(split: LabelledImages, indices: ArrayLike<number>): LabelledBatch {
  const n = indices.length;
  const x = new Float32Array(n * PIXELS), y = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k], base = i * PIXELS;
    for (let p = 0; p < PIXELS; p++) x[k * PIXELS + p] = split.images[base + p] / 127.5 - 1;
    y[k] = split.labels[i];
  }
  return { x: tf.tensor4d(x, [n, 28, 28, 1]), y: tf.tensor2d(y, [n, 1], "int32") };
}

/** A labelled source over a training split (held-out images chosen at random, seeded). */
export function labelledSource(
  split: LabelledImages,
  options: LabelledSourceOptions = {},
): LabelledSource {
  const heldOut = options.heldOut ?? 5000, seed = options.seed ?? 1;
  if (!(heldOut >= 1 && heldOut < split.count)) {
    throw new RangeError(
      `Cannot hold out ${heldOut} of ${split.count} images: expected 1..${split.count - 1}`,
    );
  }
  const order = permutation(split.count, seed, STREAM_SPLIT);
  const pool = order.subarray(heldOut), kept = order.subarray(0, heldOut);
  return {
    sampleShape: IMAGE_SHAPE,
    classes: options.classes ?? 10,
    heldOutCount: heldOut,
    train: (start, count) => {
      const u = uniforms(seed, { start, count }, { stream: STREAM_PICK });
      return gatherBatch(split, Array.from(u, (v) => pool[Math.floor(v * pool.length)]));
    },
    heldOut: (start, count) => {
      if (start < 0 || start + count > heldOut) {
        throw new RangeError(
          `Cannot take held-out images ${start}..${
            start + count - 1
          }: only ${heldOut} are held out`,
        );
      }
      return gatherBatch(split, kept.subarray(start, start + count));
    },
  };
}
