/**
 * The classifier of the image metrics (class accuracy, Inception Score, Frechet distance on its
 * penultimate-layer features). Two architectures: a small CNN (the default since the wasm
 * backend can train convs, train/wasm_conv.ts) and the MLP the shipped MNIST classifier uses.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** Name of the penultimate (feature) layer. */
export const FEATURE_LAYER = "classifier_features";

/** Classifier architectures. */
export type ClassifierArch = "cnn" | "mlp";

/** Options for {@linkcode buildClassifier}. */
export interface ClassifierOptions {
  /** Architecture. @default {"cnn"} */
  arch?: ClassifierArch;
  /** CNN: channels of the first conv (the second has twice as many). MLP: units of the first hidden layer. @default {32 (cnn), 800 (mlp)} */
  hidden?: number;
  /** Units of the feature layer. @default {128 (cnn), 256 (mlp)} */
  features?: number;
  /** Dropout before and after the feature layer (training only). @default {0.3} */
  dropout?: number;
  /** Seed of the weight initialisers. @default {7} */
  seed?: number;
}

/** `// [batch, 28, 28, 1] in [-1, 1] -> [batch, 10]` class logits. */
export function buildClassifier(options: ClassifierOptions = {}): tf.Sequential {
  const seed = options.seed ?? 7, dropout = options.dropout ?? 0.3;
  const cnn = (options.arch ?? "cnn") === "cnn";
  const model = tf.sequential({ name: "classifier" });
  const he = (k: number) => tf.initializers.heNormal({ seed: seed + k });
  if (cnn) {
    const c = options.hidden ?? 32;
    // [batch, 28, 28, 1] -> [batch, 14, 14, c] -> [batch, 7, 7, 2c] -> [batch, 98c]: strided
    // 5x5 convs, no pooling (tfjs-wasm's MaxPoolGrad is slow: ~90 ms at 128 x 28 x 28 x 32)
    [c, 2 * c].forEach((filters, k) => {
      model.add(tf.layers.conv2d({
        name: `classifier_conv${k}`,
        filters,
        kernelSize: 5,
        strides: 2,
        padding: "same",
        activation: "relu",
        kernelInitializer: he(10 + k),
        ...(k === 0 ? { inputShape: [28, 28, 1] } : {}),
      }));
    });
    model.add(tf.layers.flatten({ name: "classifier_flat" }));
  } else {
    // [batch, 28, 28, 1] -> [batch, 784] -> [batch, hidden]
    model.add(tf.layers.flatten({ name: "classifier_flat", inputShape: [28, 28, 1] }));
    model.add(tf.layers.dense({
      name: "classifier_hidden",
      units: options.hidden ?? 800,
      activation: "relu",
      kernelInitializer: he(0),
    }));
  }
  model.add(tf.layers.dropout({ name: "classifier_drop0", rate: dropout, seed }));
  // [batch, ...] -> [batch, features]: the FD features
  model.add(tf.layers.dense({
    name: FEATURE_LAYER,
    units: options.features ?? (cnn ? 128 : 256),
    activation: "relu",
    kernelInitializer: he(1),
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
