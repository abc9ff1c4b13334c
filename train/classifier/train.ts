/**
 * Trains an image classifier (MNIST or Fashion-MNIST) on a training split (shift-augmented,
 * Adam with a step-decayed learning rate) and measures its accuracy on the test split.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { uniforms } from "../../shared/rng.ts";
import { IMAGE_PIXELS, type LabelledImages, scaledPixels } from "../data/labelled.ts";
import { permutation } from "../data/permutation.ts";
import { shiftImage } from "./augment.ts";
import { buildClassifier, type ClassifierOptions } from "./model.ts";
import { classify } from "./features.ts";

/** Options for {@linkcode trainClassifier}. */
export interface TrainClassifierOptions extends ClassifierOptions {
  /** Passes over the training split. @default {20} */
  epochs?: number;
  /** @default {128} */
  batch?: number;
  /** Initial Adam learning rate, divided by 3 at 50% and 75% of the epochs. @default {1e-3} */
  lr?: number;
  /** Largest random shift in pixels (0 disables augmentation). @default {2} */
  maxShift?: number;
  /** Called after each epoch. */
  onEpoch?: (epoch: number, loss: number, seconds: number) => void;
}

/** A trained classifier and its test accuracy. */
export interface TrainedClassifier {
  model: tf.Sequential;
  testAccuracy: number;
  /** Training and the test evaluation. */
  seconds: number;
  /** Training alone (the epochs). */
  trainSeconds: number;
  epochs: number;
}

/** Share of `labels` equal to the argmax of `probs` (`// [n, 10]`). */
export function accuracy(probs: Float32Array, labels: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (probs[i * 10 + k] > probs[i * 10 + best]) best = k;
    if (best === labels[i]) right++;
  }
  return right / labels.length;
}

/** Trains on `train` and evaluates on `test`. */
export async function trainClassifier(
  train: LabelledImages,
  test: LabelledImages,
  options: TrainClassifierOptions = {},
): Promise<TrainedClassifier> {
  const epochs = options.epochs ?? 20, batch = options.batch ?? 128;
  const lr = options.lr ?? 1e-3, maxShift = options.maxShift ?? 2, seed = options.seed ?? 7;
  const model = buildClassifier(options);
  const optimizer = tf.train.adam(lr);
  model.compile({
    optimizer,
    loss: (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits),
  });
  const pixels = scaledPixels(train, 0, train.count); // [count * 784]
  const x = new Float32Array(batch * IMAGE_PIXELS);
  const t0 = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    // Adam reads its (protected) learningRate at every update.
    (optimizer as unknown as { learningRate: number }).learningRate = lr /
      (epoch >= epochs * 0.75 ? 9 : epoch >= epochs * 0.5 ? 3 : 1);
    const order = permutation(train.count, seed, 100 + epoch);
    const shifts = uniforms(seed, { start: 0, count: 2 * train.count }, { stream: 200 + epoch });
    let lossSum = 0, batches = 0;
    for (let start = 0; start + batch <= train.count; start += batch) {
      const labels = new Int32Array(batch);
      for (let k = 0; k < batch; k++) {
        const i = order[start + k];
        const d = (v: number) => Math.floor(v * (2 * maxShift + 1)) - maxShift;
        shiftImage(pixels.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), {
          dx: d(shifts[2 * (start + k)]),
          dy: d(shifts[2 * (start + k) + 1]),
        }, { data: x, offset: k * IMAGE_PIXELS, fill: -1 });
        labels[k] = train.labels[i];
      }
      const xs = tf.tensor4d(x, [batch, 28, 28, 1]);
      const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 10));
      const loss = await model.trainOnBatch(xs, ys) as number;
      tf.dispose([xs, ys]);
      lossSum += loss;
      batches++;
    }
    options.onEpoch?.(epoch + 1, lossSum / batches, (performance.now() - t0) / 1000);
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const { probs } = classify(model, scaledPixels(test, 0, test.count), test.count);
  return {
    model,
    testAccuracy: accuracy(probs, test.labels),
    seconds: (performance.now() - t0) / 1000,
    trainSeconds,
    epochs,
  };
}
