/**
 * Runs the MNIST classifier over images in batches: class probabilities for the Inception
 * Score and the class histogram, penultimate-layer features for the Frechet distance.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { IMAGE_PIXELS, IMAGE_SHAPE } from "../data/labelled.ts";
import { FEATURE_LAYER } from "./model.ts";

/** Classifier outputs for n images. */
export interface Classified {
  /** Penultimate-layer activations: `// [n, featureDim]`. */
  features: Float32Array;
  featureDim: number;
  /** Softmax class probabilities: `// [n, 10]`. */
  probs: Float32Array;
}

/** Options for {@linkcode classify}. */
export interface ClassifyOptions {
  /** Images per forward pass. @default {1000} */
  batch?: number;
}

/** Features and probabilities of `n` images `// [n, 28, 28, 1]` (flattened, in [-1, 1]). */
export function classify(
  model: tf.LayersModel,
  images: Float32Array,
  n: number,
  options: ClassifyOptions = {},
): Classified {
  const batch = options.batch ?? 1000;
  const featureLayer = model.getLayer(FEATURE_LAYER);
  const both = tf.model({
    inputs: model.inputs,
    outputs: [featureLayer.output as tf.SymbolicTensor, model.outputs[0]],
  });
  const featureDim = (featureLayer.outputShape as number[])[1];
  const features = new Float32Array(n * featureDim);
  const probs = new Float32Array(n * 10);
  for (let start = 0; start < n; start += batch) {
    const count = Math.min(batch, n - start);
    const [f, p] = tf.tidy(() => {
      const rows = images.subarray(start * IMAGE_PIXELS, (start + count) * IMAGE_PIXELS);
      const x = tf.tensor(rows, [count, ...IMAGE_SHAPE]); // [count, 784] -> [count, 28, 28, 1]
      const [feat, logits] = both.predict(x) as tf.Tensor[]; // [count, featureDim], [count, 10]
      return [feat.dataSync() as Float32Array, tf.softmax(logits).dataSync() as Float32Array];
    });
    features.set(f, start * featureDim);
    probs.set(p, start * 10);
  }
  return { features, featureDim, probs };
}
