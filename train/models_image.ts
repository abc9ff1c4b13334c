/**
 * Generator and discriminator for 28 x 28 grayscale images (MNIST), exportable to ONNX by
 * train/export. Two architectures: a wide MLP with LeakyReLU (the shipped choice, see
 * train/README_mnist.md for the timing that decided it) and a small DCGAN-style conv pair.
 * Neither uses batch normalization: gan.ts calls `model.apply(x)` in inference mode, where
 * tfjs BatchNormalization would never use batch statistics.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import "./tf_grad_fixes.ts";

/** Image model architectures. */
export type ImageArch = "mlp" | "dcgan";

/** Options for the image builders. */
export interface ImageModelOptions {
  /** Architecture. @default {"mlp"} */
  arch?: ImageArch;
  /** Width: hidden units of the MLP's widest layer, or channels of the conv's widest layer. @default {512} */
  width?: number;
  /** Seed of the weight initialisers (layer k uses seed + k). @default {1} */
  seed?: number;
}

const SLOPE = 0.2;

function init(seed: number) {
  return tf.initializers.glorotUniform({ seed });
}

/** G: `// [batch, latentDim] -> [batch, 28, 28, 1]` in [-1, 1] (tanh). */
export function buildImageGenerator(
  latentDim: number,
  options: ImageModelOptions = {},
): tf.Sequential {
  const width = options.width ?? 512, seed = options.seed ?? 1;
  const model = tf.sequential({ name: "generator" });
  const leaky = (k: number) => tf.layers.leakyReLU({ alpha: SLOPE, name: `generator_act${k}` });
  if ((options.arch ?? "mlp") === "mlp") {
    // [batch, latent] -> [batch, w/2] -> [batch, w] -> [batch, 2w] -> [batch, 784]
    const units = [width / 2, width, 2 * width];
    units.forEach((u, k) => {
      model.add(tf.layers.dense({
        name: `generator_dense${k}`,
        units: u,
        kernelInitializer: init(seed + k),
        ...(k === 0 ? { inputShape: [latentDim] } : {}),
      }));
      model.add(leaky(k));
    });
    model.add(tf.layers.dense({
      name: "generator_out",
      units: 784,
      activation: "tanh",
      kernelInitializer: init(seed + 3),
    }));
    model.add(tf.layers.reshape({ name: "generator_image", targetShape: [28, 28, 1] })); // [batch, 784] -> [batch, 28, 28, 1]
    return model;
  }
  const c = width / 4;
  // [batch, latent] -> [batch, 7 * 7 * 2c] -> [batch, 7, 7, 2c]
  model.add(tf.layers.dense({
    name: "generator_dense0",
    units: 7 * 7 * 2 * c,
    inputShape: [latentDim],
    kernelInitializer: init(seed),
  }));
  model.add(leaky(0));
  model.add(tf.layers.reshape({ name: "generator_grid", targetShape: [7, 7, 2 * c] }));
  // [batch, 7, 7, 2c] -> [batch, 14, 14, c]
  model.add(tf.layers.conv2dTranspose({
    name: "generator_up1",
    filters: c,
    kernelSize: 4,
    strides: 2,
    padding: "same",
    kernelInitializer: init(seed + 1),
  }));
  model.add(leaky(1));
  // [batch, 14, 14, c] -> [batch, 28, 28, 1]
  model.add(tf.layers.conv2dTranspose({
    name: "generator_up2",
    filters: 1,
    kernelSize: 4,
    strides: 2,
    padding: "same",
    activation: "tanh",
    kernelInitializer: init(seed + 2),
  }));
  return model;
}

/** D returning the pre-sigmoid logit: `// [batch, 28, 28, 1] -> [batch, 1]`. */
export function buildImageDiscriminator(options: ImageModelOptions = {}): tf.Sequential {
  const width = options.width ?? 512, seed = options.seed ?? 1;
  const model = tf.sequential({ name: "discriminator" });
  const leaky = (k: number) => tf.layers.leakyReLU({ alpha: SLOPE, name: `discriminator_act${k}` });
  if ((options.arch ?? "mlp") === "mlp") {
    // [batch, 28, 28, 1] -> [batch, 784] -> [batch, w] -> [batch, w/2] -> [batch, 1]
    model.add(tf.layers.flatten({ name: "discriminator_flat", inputShape: [28, 28, 1] }));
    [width, width / 2].forEach((u, k) => {
      model.add(tf.layers.dense({
        name: `discriminator_dense${k}`,
        units: u,
        kernelInitializer: init(seed + k),
      }));
      model.add(leaky(k));
    });
  } else {
    const c = width / 4;
    // [batch, 28, 28, 1] -> [batch, 14, 14, c] -> [batch, 7, 7, 2c] -> [batch, 98c]
    [c, 2 * c].forEach((filters, k) => {
      model.add(tf.layers.conv2d({
        name: `discriminator_conv${k}`,
        filters,
        kernelSize: 4,
        strides: 2,
        padding: "same",
        kernelInitializer: init(seed + k),
        ...(k === 0 ? { inputShape: [28, 28, 1] } : {}),
      }));
      model.add(leaky(k));
    });
    model.add(tf.layers.flatten({ name: "discriminator_flat" }));
  }
  model.add(tf.layers.dense({
    name: "discriminator_logit",
    units: 1,
    kernelInitializer: init(seed + 9),
  }));
  return model;
}
