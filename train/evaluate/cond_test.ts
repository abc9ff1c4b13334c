import assert from "node:assert/strict";
import { assertAlmostEquals } from "../../testing/assert.ts";
import { condMetrics, realStats, splitImages } from "./cond.ts";

/** n rows of `classes` probabilities putting 0.9 on `predicted[i]`, and 2-d features. */
function classified(predicted: number[], features: number[][], classes = 3) {
  const probs = new Float32Array(predicted.length * classes).fill(0.1 / (classes - 1));
  predicted.forEach((c, i) => (probs[i * classes + c] = 0.9));
  return { probs, features: Float32Array.from(features.flat()), featureDim: 2 };
}

Deno.test("condMetrics() counts a sample right when classified as its requested class", () => {
  // Real: two images per class with features spread around (c, c).
  const realFeatures = [[0, 0], [0.2, 0.1], [1, 1], [1.1, 0.8], [2, 2], [2.1, 1.9]];
  const labels = [0, 0, 1, 1, 2, 2];
  const reference = realStats(classified(labels, realFeatures), labels, 3);
  // The same images as "samples": FD 0, all right.
  const same = condMetrics(classified(labels, realFeatures), labels, reference);
  assertAlmostEquals(same.fd, 0, 1e-9);
  assert.deepEqual(same.classAccuracy, 1);
  // Class 2's samples classified as 1: 4 of 6 right; per class 1, 1, 0.
  const wrong = condMetrics(classified([0, 0, 1, 1, 1, 1], realFeatures), labels, reference);
  assertAlmostEquals(wrong.classAccuracy, 4 / 6, 1e-12);
  assert.deepEqual(wrong.perClass.map((c) => c.accuracy), [1, 1, 0]);
});

Deno.test("splitImages() takes evenly spaced images scaled to [-1, 1] with their labels", () => {
  const split = {
    count: 6,
    images: Uint8Array.from({ length: 6 * 784 }, (_, i) => Math.floor(i / 784) * 51),
    labels: Uint8Array.of(0, 0, 1, 1, 2, 2),
  };
  const { images, labels } = splitImages(split, 3);
  assert.deepEqual(Array.from(labels), [0, 1, 2]);
  assert.deepEqual(
    [images[0], images[784], images[2 * 784]],
    [-1, 102 / 127.5 - 1, 204 / 127.5 - 1].map(Math.fround),
  );
});
