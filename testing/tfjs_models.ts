/**
 * Small TF.js G/D pairs for the export tests: an MLP pair and convolutional pairs with batch
 * norm (moving statistics set to non-trivial values) and transposed convolutions.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

/** A ReLU MLP `// [N, dims[0]] -> [N, dims.at(-1)]` with a linear head. */
export function mlp(dims: number[], name: string): tf.Sequential {
  const model = tf.sequential({ name });
  for (let k = 1; k < dims.length; k++) {
    model.add(tf.layers.dense({
      units: dims[k],
      activation: k < dims.length - 1 ? "relu" : "linear",
      kernelInitializer: init(10 * k + dims.length),
      biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: k }),
      ...(k === 1 ? { inputShape: [dims[0]] } : {}),
    }));
  }
  return model;
}

/** Gives every BatchNormalization layer non-trivial gamma, beta and moving statistics. */
export function randomizeBatchNorm(model: tf.LayersModel, seed: number): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== "BatchNormalization") continue;
    const weights = layer.getWeights().map((w, i) => {
      const values = tf.randomUniform(w.shape, 0.2, 1.5, "float32", seed + i);
      // gamma, beta, moving_mean may be negative; moving_variance stays positive.
      return layer.weights[i].originalName.endsWith("moving_variance") ? values : values.sub(0.8);
    });
    layer.setWeights(weights);
  }
}

/** Conv G: `// [N, 16] -> [N, 28, 28, 1]` (dense, reshape, BN, transposed convs, tanh). */
export function convGenerator(): tf.Sequential {
  const model = tf.sequential({ name: "conv_g" });
  model.add(tf.layers.dense({ inputShape: [16], units: 7 * 7 * 8, kernelInitializer: init(1) }));
  model.add(tf.layers.reshape({ targetShape: [7, 7, 8] }));
  model.add(tf.layers.batchNormalization({}));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.conv2dTranspose({
    filters: 8,
    kernelSize: 4,
    strides: 2,
    padding: "same",
    kernelInitializer: init(2),
  }));
  model.add(tf.layers.batchNormalization({}));
  model.add(tf.layers.activation({ activation: "relu" }));
  model.add(tf.layers.conv2dTranspose({
    filters: 1,
    kernelSize: 3,
    strides: 2,
    padding: "same",
    activation: "tanh",
    kernelInitializer: init(3),
  }));
  randomizeBatchNorm(model, 7);
  return model;
}

/** Conv D: `// [N, 28, 28, 1] -> [N, 1]` (same and valid convs, BN, dropout, flatten). */
export function convDiscriminator(): tf.Sequential {
  const model = tf.sequential({ name: "conv_d" });
  model.add(tf.layers.conv2d({
    inputShape: [28, 28, 1],
    filters: 8,
    kernelSize: 3,
    strides: 2,
    padding: "same",
    kernelInitializer: init(4),
  }));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.conv2d({
    filters: 16,
    kernelSize: 4,
    strides: 2,
    padding: "valid",
    kernelInitializer: init(5),
  }));
  model.add(tf.layers.batchNormalization({}));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.dropout({ rate: 0.3 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 1, kernelInitializer: init(6) }));
  randomizeBatchNorm(model, 11);
  return model;
}

/**
 * Odd padding cases: a 5x5 stride-2 'same' transposed conv (odd total padding), a 1x1
 * stride-2 'valid' one (output padding), a dilated 'valid' conv and a rank-2 batch norm.
 * `// [N, 8] -> [N, 2]`.
 */
export function oddConvModel(): tf.Sequential {
  const model = tf.sequential({ name: "odd" });
  model.add(tf.layers.dense({ inputShape: [8], units: 4 * 4 * 4, kernelInitializer: init(7) }));
  model.add(tf.layers.batchNormalization({}));
  model.add(tf.layers.reshape({ targetShape: [4, 4, 4] }));
  model.add(tf.layers.conv2dTranspose({ filters: 4, kernelSize: 5, strides: 2, padding: "same" }));
  model.add(tf.layers.conv2dTranspose({ filters: 3, kernelSize: 1, strides: 2, padding: "valid" }));
  model.add(tf.layers.conv2d({
    filters: 2,
    kernelSize: 3,
    dilationRate: 2,
    padding: "valid",
    activation: "elu",
  }));
  model.add(tf.layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: [2, 1], padding: "same" }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 2, activation: "tanh" }));
  randomizeBatchNorm(model, 3);
  return model;
}
