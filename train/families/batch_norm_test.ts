import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertAlmostEquals } from "../../testing/assert.ts";
import { recalibrateBatchNorm } from "./batch_norm.ts";

Deno.test("recalibrateBatchNorm() sets moving stats to the mean of the batch statistics", async () => {
  await tf.setBackend("cpu");
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units: 2, kernelInitializer: "ones", name: "d" }),
      tf.layers.batchNormalization({ name: "bn", momentum: 0.99 }),
    ],
  });
  // Batch k: rows x with x.sum() in {k, k + 2}: dense (ones) gives h = x.sum() in both units.
  const batch = (k: number) => tf.tensor2d([k, 0, 0, k + 2, 0, 0], [2, 3]);
  assert.deepEqual(recalibrateBatchNorm(model, batch, 3), 1);
  const [, , mean, variance] = model.getLayer("bn").getWeights().map((w) => w.dataSync());
  // Batch means 1, 2, 3 -> 2; batch (biased) variances 1, 1, 1 -> 1.
  mean.forEach((v) => assertAlmostEquals(v, 2, 1e-6));
  variance.forEach((v) => assertAlmostEquals(v, 1, 1e-6));
  assert.deepEqual((model.getLayer("bn") as unknown as { momentum: number }).momentum, 0.99);
});
