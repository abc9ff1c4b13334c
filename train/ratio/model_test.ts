import assert from "node:assert/strict";
import { assertAlmostEquals } from "../../testing/assert.ts";
import * as tf from "@tensorflow/tfjs";
import { buildRatioEstimator, withLogitCap } from "./model.ts";

Deno.test("withLogitCap() returns min(logit, cap) and leaves lower logits as they were", async () => {
  await tf.setBackend("cpu");
  const model = buildRatioEstimator(2, { frequencies: 8, scale: 3, hidden: 8, layers: 1, seed: 4 });
  const x = tf.tensor2d(Array.from({ length: 64 }, (_, i) => Math.sin(i) * 3), [32, 2]);
  const before = (model.predict(x) as tf.Tensor).dataSync().slice();
  const sorted = [...before].sort((a, b) => a - b);
  const cap = sorted[20]; // 11 of 32 logits lie above the cap
  const capped = withLogitCap(model, cap);
  const after = (capped.predict(x) as tf.Tensor).dataSync();
  before.forEach((l, i) => assertAlmostEquals(after[i], Math.min(l, cap), 1e-5));
  assert.deepEqual(capped.trainableWeights.length, 4); // the cap layers are not trainable
  assert.deepEqual(capped.layers.length, model.layers.length + 3);
  assert.throws(() => withLogitCap(model, NaN), {
    name: "RangeError",
    message: /'cap' must be finite/,
  });
  x.dispose();
  capped.dispose();
});
