/**
 * Batch-norm statistics for inference. A model trained with batch statistics
 * (`apply(x, { training: true })`) is exported with its moving mean and variance (ONNX
 * BatchNormalization in inference form, TF.js `predict`). Those averages lag the weights, and
 * an averaged (EMA) copy of G never ran in training mode at all, so before export the moving
 * statistics are set to the mean of the batch statistics of fresh batches under the final
 * weights.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** The BatchNormalization layers of a model. */
export function batchNormLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() === "BatchNormalization");
}

/**
 * Sets every batch-norm layer's moving mean and variance to the average over `batches`
 * batches of its batch statistics, `inputs(k)` giving batch k's model inputs. Returns the
 * number of layers set.
 */
export function recalibrateBatchNorm(
  model: tf.LayersModel,
  inputs: (k: number) => tf.Tensor | tf.Tensor[],
  batches: number,
): number {
  const layers = batchNormLayers(model) as unknown as { momentum: number }[];
  const saved = layers.map((l) => l.momentum);
  try {
    for (let k = 0; k < batches; k++) {
      // TF.js: moving = moving * momentum + batch * (1 - momentum); momentum k / (k + 1)
      // makes `moving` the running mean of the k + 1 batch statistics seen so far.
      layers.forEach((l) => (l.momentum = k / (k + 1)));
      tf.tidy(() => {
        model.apply(inputs(k), { training: true });
      });
    }
  } finally {
    layers.forEach((l, i) => (l.momentum = saved[i]));
  }
  return layers.length;
}
