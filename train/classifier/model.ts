/**
 * The MNIST classifier used by the image metrics: an MLP whose penultimate layer gives the
 * features of the Frechet distance. A plain MLP trains fast on tfjs-wasm (whose backend has no
 * conv filter gradient) and reaches >= 98.5% test accuracy with shift augmentation.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** Name of the penultimate (feature) layer. */
export const FEATURE_LAYER = "classifier_features";

/** Options for {@linkcode buildClassifier}. */
export interface ClassifierOptions {
  /** Units of the first hidden layer. @default {800} */
  hidden?: number;
  /** Units of the feature layer. @default {256} */
  features?: number;
  /** Dropout after each hidden layer (training only). @default {0.3} */
  dropout?: number;
  /** Seed of the weight initialisers. @default {7} */
  seed?: number;
}

/** `// [batch, 28, 28, 1] in [-1, 1] -> [batch, 10]` class logits. */
export function buildClassifier(options: ClassifierOptions = {}): tf.Sequential {
  const seed = options.seed ?? 7, dropout = options.dropout ?? 0.3;
  const model = tf.sequential({ name: "classifier" });
  // [batch, 28, 28, 1] -> [batch, 784]
  model.add(tf.layers.flatten({ name: "classifier_flat", inputShape: [28, 28, 1] }));
  model.add(tf.layers.dense({
    name: "classifier_hidden",
    units: options.hidden ?? 800,
    activation: "relu",
    kernelInitializer: tf.initializers.heNormal({ seed }),
  }));
  model.add(tf.layers.dropout({ name: "classifier_drop0", rate: dropout, seed }));
  // [batch, hidden] -> [batch, features]: the FD features
  model.add(tf.layers.dense({
    name: FEATURE_LAYER,
    units: options.features ?? 256,
    activation: "relu",
    kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }),
  }));
  model.add(tf.layers.dropout({ name: "classifier_drop1", rate: dropout, seed: seed + 1 }));
  // [batch, features] -> [batch, 10]
  model.add(tf.layers.dense({
    name: "classifier_logits",
    units: 10,
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
  }));
  return model;
}
