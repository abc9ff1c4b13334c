import assert from "node:assert/strict";
import { assertAlmostEquals } from "../../testing/assert.ts";
import { frechetDistance, gaussianStats, matMul, sqrtPsd, symmetricEigen } from "./symmetric.ts";

/** A random rotation (Gram-Schmidt on a fixed pseudo-random matrix): `// [n, n]`. */
function rotation(n: number, seed: number): Float64Array {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const q = Float64Array.from({ length: n * n }, rand);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * n + j] * q[i * n + k];
      for (let i = 0; i < n; i++) q[i * n + j] -= dot * q[i * n + k];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * n + j] ** 2;
    for (let i = 0; i < n; i++) q[i * n + j] /= Math.sqrt(norm);
  }
  return q;
}

/** Q diag(d) Q^T. */
function fromSpectrum(q: Float64Array, d: number[]): Float64Array {
  const n = d.length, out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) out[i * n + j] += q[i * n + k] * d[k] * q[j * n + k];
    }
  }
  return out;
}

Deno.test("symmetricEigen() matches the 2x2 closed form", () => {
  const [a, b, c] = [2, 1.5, -1];
  const { values, vectors } = symmetricEigen(Float64Array.of(a, b, b, c), 2);
  const mid = (a + c) / 2, r = Math.sqrt(((a - c) / 2) ** 2 + b * b);
  const sorted = [...values].sort((x, y) => x - y);
  assertAlmostEquals(sorted[0], mid - r, 1e-12);
  assertAlmostEquals(sorted[1], mid + r, 1e-12);
  for (let k = 0; k < 2; k++) {
    // A v = lambda v
    const [v0, v1] = [vectors[k], vectors[2 + k]];
    assertAlmostEquals(a * v0 + b * v1, values[k] * v0, 1e-12);
    assertAlmostEquals(b * v0 + c * v1, values[k] * v1, 1e-12);
  }
});

Deno.test("symmetricEigen() recovers the spectrum of a rotated diagonal matrix", () => {
  const d = [5, 3, 3, 0.5, 1e-3, 0, 2, 7.25];
  const a = fromSpectrum(rotation(d.length, 11), d);
  const got = [...symmetricEigen(a, d.length).values].sort((x, y) => x - y);
  [...d].sort((x, y) => x - y).forEach((v, i) => assertAlmostEquals(got[i], v, 1e-10));
});

Deno.test("sqrtPsd() squares back to the matrix and matches Q sqrt(D) Q^T", () => {
  const d = [4, 1, 0.25, 9, 2];
  const q = rotation(5, 3);
  const a = fromSpectrum(q, d);
  const r = sqrtPsd(a, 5);
  const want = fromSpectrum(q, d.map(Math.sqrt));
  r.forEach((v, i) => assertAlmostEquals(v, want[i], 1e-10));
  matMul(r, r, 5).forEach((v, i) => assertAlmostEquals(v, a[i], 1e-10));
});

Deno.test("frechetDistance() matches the closed form for commuting covariances", () => {
  // Same eigenvectors: FD = |mu1 - mu2|^2 + sum (sqrt(d1) - sqrt(d2))^2.
  const q = rotation(4, 5);
  const [d1, d2] = [[1, 4, 0.5, 2], [9, 1, 0.5, 0.25]];
  const x = { dim: 4, mean: Float64Array.of(0, 1, 2, 3), cov: fromSpectrum(q, d1) };
  const y = { dim: 4, mean: Float64Array.of(1, 1, 0, 3), cov: fromSpectrum(q, d2) };
  const want = 1 + 4 + d1.reduce((s, v, i) => s + (Math.sqrt(v) - Math.sqrt(d2[i])) ** 2, 0);
  assertAlmostEquals(frechetDistance(x, y), want, 1e-9);
  assertAlmostEquals(frechetDistance(x, x), 0, 1e-9);
});

Deno.test("frechetDistance() matches the 2x2 closed form for non-commuting covariances", () => {
  // Non-commuting full-rank covariances, against the closed form of sqrt(S1 S2)'s trace
  // trace computed from the 2x2 formula tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)).
  const s1 = Float64Array.of(2, 0.5, 0.5, 1), s2 = Float64Array.of(1, -0.3, -0.3, 3);
  const p = matMul(s1, s2, 2);
  const trM = p[0] + p[3], detM = p[0] * p[3] - p[1] * p[2];
  const trSqrt = Math.sqrt(trM + 2 * Math.sqrt(detM));
  const want = 2 + 1 + 1 + 3 - 2 * trSqrt;
  const zero = new Float64Array(2);
  assertAlmostEquals(
    frechetDistance({ dim: 2, mean: zero, cov: s1 }, { dim: 2, mean: zero, cov: s2 }),
    want,
    1e-10,
  );
});

Deno.test("gaussianStats() computes the mean and the n-1 covariance", () => {
  const rows = Float64Array.of(1, 2, 3, 6, 5, 4);
  const s = gaussianStats(rows, 3, 2);
  assertAlmostEquals(s.mean[0], 3, 1e-12);
  assertAlmostEquals(s.mean[1], 4, 1e-12);
  // x: 1,3,5 (var 4); y: 2,6,4 (var 4); cov: ((-2)(-2) + 0 + 2*0)/2 = 2
  assertAlmostEquals(s.cov[0], 4, 1e-12);
  assertAlmostEquals(s.cov[3], 4, 1e-12);
  assertAlmostEquals(s.cov[1], 2, 1e-12);
  assert.throws(() => gaussianStats(rows, 1, 2), { name: "RangeError", message: /from 1 rows/ });
  assert.throws(() => symmetricEigen(new Float64Array(3), 2), {
    name: "RangeError",
    message: /expected 4/,
  });
});

Deno.test("symmetricEigen() gives A v = lambda v and an orthonormal basis at n = 60", () => {
  const n = 60;
  const d = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : Math.exp(Math.sin(i) * 4)));
  const a = fromSpectrum(rotation(n, 17), d);
  const { values, vectors } = symmetricEigen(a, n);
  const got = [...values].sort((x, y) => x - y);
  [...d].sort((x, y) => x - y).forEach((v, i) => assertAlmostEquals(got[i], v, 1e-9));
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += a[i * n + j] * vectors[j * n + k];
      assertAlmostEquals(av, values[k] * vectors[i * n + k], 1e-9);
    }
    for (let l = k; l < n; l++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += vectors[i * n + k] * vectors[i * n + l];
      assertAlmostEquals(dot, k === l ? 1 : 0, 1e-12);
    }
  }
});
