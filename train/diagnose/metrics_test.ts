import assert from "node:assert/strict";
import { assertAlmostEquals, assertClose } from "../../testing/assert.ts";
import { classStats, rankQuality, reliability } from "./metrics.ts";
import { normals, uniforms } from "../../shared/rng.ts";

const logit = (p: number) => Math.log(p / (1 - p));

Deno.test("rankQuality() gives the good share of the top shares by logit, NaN ranked last", () => {
  // Logits 9..0 with good flags; sorted high to low: 9 g, 8 b, 7 g, 6 g, 5 b, 4 g, ...
  const logits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, NaN, NaN];
  const good = [1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1];
  const rows = rankQuality(logits, good, [1 / 12, 0.25, 0.5, 1]);
  assert.deepEqual(rows.map((r) => r.count), [1, 3, 6, 12]);
  assert.deepEqual(rows.map((r) => r.goodShare), [1, 2 / 3, 4 / 6, 6 / 12]);
  assert.deepEqual(rows.map((r) => r.minLogit), [9, 7, 4, 0]);
  assert.throws(() => rankQuality([1], [1], [0]), {
    name: "RangeError",
    message: /share must be in \(0, 1\]/,
  });
  assert.throws(() => rankQuality([1, 2], [1]), {
    name: "RangeError",
    message: /one flag per logit/,
  });
});

Deno.test("classStats() weighs good samples by exp(logit) for the reweighted masses", () => {
  const logits = [0, Math.log(2), Math.log(3), Math.log(4), NaN];
  const labels = { classes: [0, 0, 1, 1, 1], good: [1, 1, 1, 0, 1], classCount: 3 };
  const s = classStats(logits, labels);
  assert.deepEqual(s.rows.map((r) => [r.count, r.good]), [[2, 2], [2, 1], [0, 0]]);
  assertClose(s.rows[0].meanLogit, Math.log(2) / 2, { rel: 1e-12 });
  assertClose(s.rows[1].meanLogit, Math.log(3), { rel: 1e-12 });
  assert.ok(Number.isNaN(s.rows[2].meanLogit));
  assert.deepEqual(s.rows.map((r) => r.massRaw), [2 / 3, 1 / 3, 0]);
  // Weights 1 + 2 in class 0 and 3 in class 1 (the bad sample's 4 counts only overall).
  assertClose(s.rows[0].massReweighted, 0.5, { rel: 1e-12 });
  assertClose(s.rows[1].massReweighted, 0.5, { rel: 1e-12 });
  assertClose(s.goodShareReweighted, 6 / 10, { rel: 1e-12 });
  assertClose(s.klRaw, (2 / 3) * Math.log(2) + (1 / 3) * Math.log(1), { rel: 1e-12 });
  assertClose(s.klReweighted, Math.log(1.5), { rel: 1e-12 });
  assertClose(s.meanLogitSpread, Math.log(3) - Math.log(2) / 2, { rel: 1e-12 });
  assertClose(s.effectiveSampleShare, 100 / 30 / 4, { rel: 1e-12 });
});

Deno.test("classStats() stays finite for logits near the float64 exp limit", () => {
  const s = classStats([800, 799], { classes: [0, 1], good: [1, 1], classCount: 2 });
  assertClose(s.rows[0].massReweighted, 1 / (1 + Math.exp(-1)), { rel: 1e-12 });
  assert.throws(() => classStats([1], { classes: [2], good: [1], classCount: 2 }), {
    name: "RangeError",
    message: /classes\[0\] is 2/,
  });
});

Deno.test("reliability() bins sigmoid(logit) and gives ECE, Brier, log loss and AUC by hand", () => {
  const r = reliability([logit(0.95), logit(0.75)], [logit(0.25), logit(0.05)]);
  const used = r.bins.filter((b) => b.count > 0);
  assert.deepEqual(used.map((b) => b.lo), [0, 0.2, 0.7, 0.9]);
  assert.deepEqual(used.map((b) => b.realShare), [0, 0, 1, 1]);
  assertClose(used[2].meanPredicted, 0.75, { rel: 1e-12 });
  assertClose(r.ece, 0.15, { rel: 1e-12 });
  assertClose(r.brier, 0.0325, { rel: 1e-12 });
  assertClose(r.logLoss, -(2 * Math.log(0.95) + 2 * Math.log(0.75)) / 4, { rel: 1e-12 });
  assert.deepEqual(r.auc, 1);
  assert.deepEqual(reliability([0, 1], [0, -1]).auc, 3.5 / 4);
  assert.throws(() => reliability([], [1]), { name: "RangeError", message: /both real and fake/ });
});

Deno.test("reliability() finds a calibrated score calibrated and a sharpened one not", () => {
  // Labels drawn with P(real) = sigmoid(l): calibrated by construction.
  const n = 40_000;
  const l = normals(3, { start: 0, count: n, dim: 1 }).map((v) => 2 * v);
  const u = uniforms(3, { start: 0, count: n });
  const real: number[] = [], fake: number[] = [];
  l.forEach((v, i) => (u[i] < 1 / (1 + Math.exp(-v)) ? real : fake).push(v));
  const calibrated = reliability(real, fake);
  const sharpened = reliability(real.map((v) => 3 * v), fake.map((v) => 3 * v));
  assert.ok(calibrated.ece < 0.01, `calibrated ECE ${calibrated.ece}`);
  assert.ok(sharpened.ece > 0.05, `sharpened ECE ${sharpened.ece}`);
  assert.ok(sharpened.brier > calibrated.brier && sharpened.logLoss > calibrated.logLoss);
  assertAlmostEquals(sharpened.auc, calibrated.auc, 1e-12); // a monotone map keeps the AUC
});
