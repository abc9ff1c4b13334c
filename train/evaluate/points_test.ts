import assert from "node:assert/strict";
import { assertAlmostEquals } from "../../testing/assert.ts";
import { grid25, ring8, samplePoints } from "../data/gaussians.ts";
import { pointLabels, pointMetrics } from "./points.ts";

Deno.test("pointMetrics() scores points on the modes as perfect", () => {
  const mix = grid25();
  const points = new Float32Array(mix.means.flatMap(([x, y]) => [x, y, x + 0.1, y]));
  const { metrics, histogram } = pointMetrics(points, mix);
  assert.equal(metrics.highQuality, 1);
  assert.equal(metrics.modesCovered, 25);
  assertAlmostEquals(metrics.kl, 0, 1e-12);
  // Offsets 0 and 0.1 along x: per-coordinate RMS = sqrt(mean(0, 0.01) / 2).
  assertAlmostEquals(metrics.hqStd, Math.sqrt(0.005 / 2), 1e-6);
  assert.deepEqual(histogram, new Array(25).fill(2));
});

Deno.test("pointMetrics() counts far points as low quality and a collapsed G as one mode", () => {
  const mix = grid25();
  // 90 points on mode (0, 0), 10 points between modes (1, 1) -> 0.9 high quality, 1 mode.
  const points = new Float32Array(200);
  for (let i = 90; i < 100; i++) points.set([1, 1], 2 * i);
  const { metrics } = pointMetrics(points, mix);
  assertAlmostEquals(metrics.highQuality, 0.9, 1e-12);
  assert.equal(metrics.modesCovered, 1);
  assertAlmostEquals(metrics.kl, Math.log(25), 1e-12); // KL(one-hot || uniform) = log K
});

Deno.test("pointMetrics() gives real data about 99.99% high quality and all modes", () => {
  for (const mix of [grid25(), ring8()]) {
    const { metrics } = pointMetrics(samplePoints(mix, 3, { start: 0, count: 20000 }), mix);
    // Within 4 std in 2D: P(chi2_2 <= 16) = 1 - exp(-8) = 0.99966.
    assertAlmostEquals(metrics.highQuality, 1 - Math.exp(-8), 0.002);
    assert.deepEqual(metrics.modesCovered, mix.means.length);
    assertAlmostEquals(metrics.hqStd, mix.std, mix.std * 0.03);
    assertAlmostEquals(metrics.kl, 0, 0.01);
  }
});

Deno.test("pointLabels() gives each point its nearest mode and flags it good within 4 std", () => {
  const mix = grid25(); // modes at (2i, 2j), std 0.05: radius 0.2
  const points = new Float32Array([-4, -4, 0.19, 0, 0.21, 0, 1.1, 3.95]);
  const labels = pointLabels(points, mix);
  // Mode index k = 5 * (i + 2) + (j + 2) for the mode at (2i, 2j).
  assert.deepEqual(Array.from(labels.classes), [0, 12, 12, 5 * 3 + 4]);
  assert.deepEqual(Array.from(labels.good), [1, 1, 0, 0]);
  assertAlmostEquals(labels.squaredDistance[3], 0.9 ** 2 + 0.05 ** 2, 1e-6);
  assert.deepEqual(labels.classCount, 25);
  assert.deepEqual(Array.from(pointLabels(points, mix, { stds: 5 }).good), [1, 1, 1, 0]);
});
