import assert from "node:assert/strict";
import { assertAlmostEquals, assertClose } from "../../testing/assert.ts";
import { fitIsotonic, fitPlatt } from "./fit_calibrator.ts";
import { calibrateLogit, isotonicProbability } from "../../shared/calibrator.ts";
import { normals, uniforms } from "../../shared/rng.ts";

const logit = (p: number) => Math.log(p / (1 - p));

/** Logits at two values with given counts of reals: the MLE has a closed form. */
function twoPoints(): { logits: number[]; labels: number[] } {
  const logits: number[] = [], labels: number[] = [];
  for (let i = 0; i < 1000; i++) logits.push(-1), labels.push(i < 200 ? 1 : 0);
  for (let i = 0; i < 1000; i++) logits.push(2), labels.push(i < 700 ? 1 : 0);
  return { logits, labels };
}

Deno.test("fitPlatt() on two logit values solves a l + b = logit(empirical share) at both", () => {
  const c = fitPlatt(twoPoints(), { plattTargets: false });
  // -a + b = logit(0.2), 2a + b = logit(0.7).
  const a = (logit(0.7) - logit(0.2)) / 3, b = logit(0.2) + a;
  assertClose(c.a, a, { rel: 1e-9 });
  assertClose(c.b, b, { rel: 1e-9 });
});

Deno.test("fitPlatt() with Platt's targets fits the smoothed shares instead", () => {
  const c = fitPlatt(twoPoints());
  const hi = (900 + 1) / (900 + 2), lo = 1 / (1100 + 2);
  const t0 = (200 * hi + 800 * lo) / 1000, t1 = (700 * hi + 300 * lo) / 1000;
  const a = (logit(t1) - logit(t0)) / 3, b = logit(t0) + a;
  assertClose(c.a, a, { rel: 1e-9 });
  assertClose(c.b, b, { rel: 1e-9 });
});

Deno.test("fitPlatt() recovers the slope and offset that generated the labels", () => {
  const n = 40_000;
  const logits = Array.from(normals(5, { start: 0, count: n, dim: 1 }), (v) => 2 * v);
  const u = uniforms(5, { start: 0, count: n });
  const labels = logits.map((l, i) => (u[i] < 1 / (1 + Math.exp(-(0.6 * l - 0.8))) ? 1 : 0));
  const c = fitPlatt({ logits, labels });
  assertAlmostEquals(c.a, 0.6, 0.03);
  assertAlmostEquals(c.b, -0.8, 0.04);
});

Deno.test("fitPlatt() refuses one-class data, bad labels and logits that rank fakes first", () => {
  assert.throws(() => fitPlatt({ logits: [1, 2], labels: [1, 1] }), {
    name: "RangeError",
    message: /both labels/,
  });
  assert.throws(() => fitPlatt({ logits: [1, 2], labels: [1, 2] }), {
    name: "RangeError",
    message: /labels\[1\] is 2/,
  });
  assert.throws(() => fitPlatt({ logits: [1], labels: [1, 0] }), {
    name: "RangeError",
    message: /one label per logit/,
  });
  const reversed = { logits: [-2, -1, 1, 2, -2, -1, 1, 2], labels: [1, 1, 0, 0, 1, 0, 0, 0] };
  assert.throws(() => fitPlatt(reversed), {
    name: "RangeError",
    message: /slope must be positive/,
  });
});

Deno.test("fitIsotonic() pools adjacent violators into the hand-computed table", () => {
  const c = fitIsotonic({ logits: [4, 1, 6, 2, 5, 3], labels: [1, 0, 0, 1, 1, 0] });
  // Sorted labels 0, 1, 0, 1, 1, 0 -> blocks {1}: 0, {2, 3}: 1/2, {4, 5, 6}: 2/3.
  assert.deepEqual(c.logits, [1, 2, 3, 4, 6]);
  assert.deepEqual(c.probabilities, [0, 0.5, 0.5, 2 / 3, 2 / 3]);
  assert.deepEqual(c.floor, 1 / 8);
  assertClose(calibrateLogit(3.5, c), logit(0.5 + 0.5 * (2 / 3 - 0.5)), { rel: 1e-12 });
});

Deno.test("fitIsotonic() pools tied logits into one breakpoint and keeps the label mean", () => {
  const c = fitIsotonic({ logits: [1, 1, 2, 0, 0, 0], labels: [1, 0, 1, 0, 0, 1] });
  assert.deepEqual(c.logits, [0, 1, 2]);
  assert.deepEqual(c.probabilities, [1 / 3, 0.5, 1]);
  const n = 5000;
  const logits = Array.from(normals(9, { start: 0, count: n, dim: 1 }));
  const u = uniforms(9, { start: 0, count: n });
  const labels = logits.map((l, i) => (u[i] < 1 / (1 + Math.exp(-1.5 * l)) ? 1 : 0));
  const fit = fitIsotonic({ logits, labels }, { floor: 1e-3 });
  let fitted = 0;
  for (const l of logits) fitted += isotonicProbability(fit, l);
  // PAV preserves the mean label exactly at the sample points.
  assertClose(fitted, labels.reduce((a: number, b) => a + b, 0), { rel: 1e-9 });
  for (let k = 1; k < fit.logits.length; k++) {
    assert.deepEqual(fit.logits[k] > fit.logits[k - 1], true);
    assert.deepEqual(fit.probabilities[k] >= fit.probabilities[k - 1], true);
  }
});
