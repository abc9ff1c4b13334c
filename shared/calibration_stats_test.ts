import assert from "node:assert/strict";
import { estimateLogM, expectedAcceptance, percentile } from "./calibration.ts";
import { assertAlmostEquals, assertClose } from "../testing/assert.ts";

/** Expected values from numpy 2.4 `np.percentile(values, q)` (default linear method). */
const NUMPY_CASES: { values: number[]; q: number[]; expected: number[] }[] = [
  {
    values: [1, 2, 3, 4],
    q: [0, 25, 50, 75, 95, 100, 0.8, 0.95, 80, 33.3],
    expected: [1, 1.75, 2.5, 3.25, 3.85, 4, 1.024, 1.0285, 3.4, 1.999],
  },
  {
    values: [3.5, -1, 10, 2, 2, 7],
    q: [0, 10, 50, 90, 95, 100, 0.95, 62.5],
    expected: [-1, 0.5, 2.75, 8.5, 9.25, 10, -0.8575, 3.9375],
  },
  {
    values: [0.1, 0.7, -3.2, 5.5, 1e-3, 2.25, -0.4, 9.75, 4.0],
    q: [1, 5, 12.5, 37.5, 50, 80, 95, 99, 0.8, 0.95],
    expected: [
      -2.976,
      -2.08,
      -0.4,
      0.1,
      0.7,
      4.6000000000000005,
      8.049999999999999,
      9.41,
      -3.0208000000000004,
      -2.9872,
    ],
  },
];

Deno.test("percentile() matches numpy's linear interpolation on known cases", () => {
  for (const { values, q, expected } of NUMPY_CASES) {
    q.forEach((qq, i) => {
      assertClose(percentile(values, qq), expected[i], { rel: 1e-13, abs: 1e-15 }, `q ${qq}`);
    });
  }
  assert.equal(percentile([42], 0), 42);
  assert.equal(percentile([42], 73.5), 42);
  assert.equal(percentile([42], 100), 42);
  assert.equal(percentile(new Float32Array([2, 1]), 50), 1.5);
});

Deno.test("percentile() sorts numerically and leaves its input alone", () => {
  // A lexicographic sort would put 10 before 9 and -2 before -10.
  const values = [10, 9, -2, -10, 100];
  assert.equal(percentile(values, 0), -10);
  assert.equal(percentile(values, 25), -2);
  assert.equal(percentile(values, 50), 9);
  assert.equal(percentile(values, 75), 10);
  assert.equal(percentile(values, 100), 100);
  assert.deepEqual(values, [10, 9, -2, -10, 100]);
});

Deno.test("percentile() takes q in percent: 95 and 0.95 differ, and 0.80 is the 0.8th percentile", () => {
  const values = Array.from({ length: 101 }, (_, i) => i); // 0, 1, ..., 100
  assert.equal(percentile(values, 95), 95);
  assertAlmostEquals(percentile(values, 0.95), 0.95, 1e-12);
  assert.notDeepEqual(percentile(values, 95), percentile(values, 0.95));
  // The classic bug: passing 0.80 meaning "the 80th percentile" silently gives the 0.8th.
  assertAlmostEquals(percentile(values, 0.8), 0.8, 1e-12);
  assert.equal(percentile(values, 80), 80);
});

Deno.test("percentile() rejects q outside 0..100 and empty input", () => {
  for (const q of [-1, -1e-9, 100.0001, 1e3, NaN, Infinity, -Infinity]) {
    assert.throws(() => percentile([1, 2, 3], q), {
      name: "RangeError",
      message: `Cannot take a percentile as 'q' must be in 0..100: current value is ${q}`,
    });
  }
  assert.throws(() => percentile([], 50), {
    name: "RangeError",
    message: "Cannot take a percentile of no values",
  });
});

Deno.test("estimateLogM() is the largest finite logit, ignoring NaN and +-Infinity", () => {
  assert.equal(estimateLogM([NaN, 1, Infinity, -Infinity, 3, 2]), 3);
  assert.equal(estimateLogM([-5, NaN, -7]), -5);
  assert.equal(estimateLogM(new Float32Array([Infinity, 0.25])), 0.25);
  for (const logits of [[], [NaN], [Infinity, -Infinity, NaN]]) {
    assert.throws(() => estimateLogM(logits), {
      name: "RangeError",
      message: "Cannot estimate logM as no burn-in logit is finite",
    });
  }
});

Deno.test("expectedAcceptance() is the mean of sigmoid(F0 - gamma) on closed-form cases", () => {
  const ln3 = Math.log(3);
  assert.equal(expectedAcceptance([0, 0], 0), 0.5);
  assertAlmostEquals(expectedAcceptance([ln3], 0), 0.75, 1e-15);
  assertAlmostEquals(expectedAcceptance([0], ln3), 0.25, 1e-15);
  // sigmoid(ln 3) = 3/4, sigmoid(-ln 3) = 1/4, sigmoid(0) = 1/2.
  assertAlmostEquals(expectedAcceptance([ln3, -ln3, 0], 0), 0.5, 1e-15);
  // Shifted by gamma = -ln 3: sigmoid(ln 9) = 9/10, sigmoid(0) = 1/2, sigmoid(ln 3) = 3/4.
  assertAlmostEquals(expectedAcceptance([ln3, -ln3, 0], -ln3), (0.9 + 0.5 + 0.75) / 3, 1e-15);
  // Saturation does not overflow.
  assert.equal(expectedAcceptance([1e6, -1e6], 0), 0.5);
});
