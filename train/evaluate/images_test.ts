import assert from "node:assert/strict";
import { assertAlmostEquals } from "../../testing/assert.ts";
import { classHistogram, imageMetrics, inceptionScore, klFromUniform } from "./images.ts";
import { gaussianStats } from "./symmetric.ts";

function oneHot(classes: number[]): Float32Array {
  const p = new Float32Array(classes.length * 10);
  classes.forEach((c, i) => (p[i * 10 + c] = 1));
  return p;
}

Deno.test("inceptionScore() is the number of equally used classes for confident predictions", () => {
  const all = Array.from({ length: 100 }, (_, i) => i % 10);
  assertAlmostEquals(inceptionScore(oneHot(all), 100), 10, 1e-9);
  const five = Array.from({ length: 100 }, (_, i) => i % 5);
  assertAlmostEquals(inceptionScore(oneHot(five), 100), 5, 1e-9);
  assertAlmostEquals(inceptionScore(new Float32Array(50 * 10).fill(0.1), 50), 1, 1e-6);
});

Deno.test("inceptionScore() matches exp(mean KL) computed by hand for two soft rows", () => {
  const p = new Float32Array(20);
  p.set([0.5, 0.5], 0); // row 0: classes 0/1
  p.set([0, 0, 1], 10); // row 1: class 2
  // marginal: [0.25, 0.25, 0.5]; KL0 = 2 * 0.5 log(0.5/0.25) = log 2; KL1 = log(1/0.5) = log 2
  assertAlmostEquals(inceptionScore(p, 2), 2, 1e-6);
});

Deno.test("classHistogram() and klFromUniform() measure class balance", () => {
  const h = classHistogram(oneHot([3, 3, 1, 0]), 4);
  assert.deepEqual(Array.from(h).map((v) => Math.round(v * 100)), [
    25,
    25,
    0,
    50,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  assertAlmostEquals(klFromUniform(new Float64Array(10).fill(0.1)), 0, 1e-12);
  const single = new Float64Array(10);
  single[4] = 1;
  assertAlmostEquals(klFromUniform(single), Math.log(10), 1e-12);
});

Deno.test("imageMetrics() gives FD 0 against its own statistics", () => {
  const n = 40, dim = 3;
  const features = Float32Array.from({ length: n * dim }, (_, i) => Math.sin(i * 1.7) * (i % 5));
  const probs = oneHot(Array.from({ length: n }, (_, i) => i % 10));
  const m = imageMetrics({ features, featureDim: dim, probs }, n, gaussianStats(features, n, dim));
  assertAlmostEquals(m.fd, 0, 1e-6);
  assertAlmostEquals(m.inceptionScore, 10, 1e-6);
  assertAlmostEquals(m.confidence, 1, 1e-9);
});
