import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertAlmostEquals } from "../../testing/assert.ts";
import { classLoss, modeSeeking, topKFraction, topKLoss } from "./step.ts";
import { pairedClasses } from "./source.ts";

Deno.test("modeSeeking() is 1 / (mean|x1 - x2| / mean|z1 - z2| + 1e-5) over the batch halves", async () => {
  await tf.setBackend("cpu");
  const x = tf.tensor4d([0, 0, 1, 3, 2, 2, 2, 2], [4, 1, 2, 1]); // halves [0 0 | 1 3], [2 2 | 2 2]
  const z = tf.tensor2d([0, 1, 1, 1], [4, 1]); // |z1 - z2| = 1, 0 -> mean 0.5
  // |x1 - x2| = 2 2 1 1 -> mean 1.5; ratio 3
  assertAlmostEquals(modeSeeking(x, z).dataSync()[0], 1 / (3 + 1e-5), 1e-6);
});

Deno.test("classLoss() is the softmax cross-entropy of int labels", async () => {
  await tf.setBackend("cpu");
  const logits = tf.tensor2d([2, 0, 0, 0, 1, 3], [2, 3]);
  const y = tf.tensor2d([0, 2], [2, 1], "int32");
  const ce = (row: number[], k: number) =>
    Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[k];
  assertAlmostEquals(
    classLoss(logits, y).dataSync()[0],
    (ce([2, 0, 0], 0) + ce([0, 1, 3], 2)) / 2,
    1e-6,
  );
});

Deno.test("pairedClasses() repeats the first half of a batch in the second", async () => {
  await tf.setBackend("cpu");
  const y = tf.tensor2d([3, 1, 4, 1, 5], [5, 1], "int32");
  assert.deepEqual(Array.from(pairedClasses(y).dataSync()), [3, 1, 3, 1, 5]);
});

Deno.test("topKLoss() averages softplus(-logit) over the k highest logits only", async () => {
  await tf.setBackend("cpu");
  const logits = tf.tensor2d([0.5, -2, 3, 1], [4, 1]);
  const sp = (v: number) => Math.log1p(Math.exp(-v));
  // fraction 0.5 of 4 -> the two highest, 3 and 1
  assertAlmostEquals(topKLoss(logits, 0.5).dataSync()[0], (sp(3) + sp(1)) / 2, 1e-6);
  assertAlmostEquals(
    topKLoss(logits, 1).dataSync()[0],
    [0.5, -2, 3, 1].map(sp).reduce((a, b) => a + b) / 4,
    1e-6,
  );
  // The gradient reaches the kept logits only.
  const g = tf.grad((l: tf.Tensor) => topKLoss(l, 0.5))(logits).dataSync();
  assert.equal(Math.abs(g[0]), 0);
  assert.equal(Math.abs(g[1]), 0);
  assertAlmostEquals(g[2], -1 / (1 + Math.exp(3)) / 2, 1e-6);
  // Ties (a collapsed G) still count k samples: the mean of k equal losses.
  const tied = tf.tensor2d([2, 2, 2, 2], [4, 1]);
  const tiedGrad = tf.grad((l: tf.Tensor) => topKLoss(l, 0.5))(tied).dataSync();
  assert.equal(tiedGrad.filter((v) => v !== 0).length, 2);
});

Deno.test("topKFraction() decays 1% every topKEvery steps down to topK, and is 1 when off", () => {
  assert.equal(topKFraction(1000, { topK: 1 }), 1);
  assert.equal(topKFraction(0, { topK: 0.5, topKEvery: 50 }), 1);
  assertAlmostEquals(topKFraction(500, { topK: 0.5, topKEvery: 50 }), 0.99 ** 10, 1e-12);
  assert.equal(topKFraction(100_000, { topK: 0.5, topKEvery: 50 }), 0.5);
});
