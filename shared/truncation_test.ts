import assert from "node:assert/strict";
import { normals } from "./rng.ts";
import { checkPsi, normalCdf, truncateLatents } from "./truncation.ts";

Deno.test("normalCdf() matches Python's statistics.NormalDist within 1e-13", () => {
  // python3 -c "from statistics import NormalDist; print(repr(NormalDist().cdf(x)))"
  const reference: [number, number][] = [
    [-2, 0.02275013194817921],
    [-0.5, 0.3085375387259869],
    [0, 0.5],
    [0.1, 0.539827837277029],
    [1, 0.8413447460685429],
    [2.5, 0.9937903346742238],
  ];
  for (const [x, p] of reference) assert.ok(Math.abs(normalCdf(x) - p) < 1e-13, `${x}`);
});

Deno.test("truncateLatents() keeps in-range entries and draws the rest inside [-psi, psi]", () => {
  const rows = { seed: 11, start: 0, count: 4000, dim: 16 };
  const z = normals(rows.seed, rows);
  const t = truncateLatents(z.slice(), rows, 1);
  let moved = 0;
  for (let i = 0; i < z.length; i++) {
    assert.ok(Math.abs(t[i]) <= 1, `${t[i]}`);
    if (Math.abs(z[i]) <= 1) assert.equal(t[i], z[i]);
    else moved++;
  }
  // P(|z| > 1) = 0.3173.
  assert.ok(Math.abs(moved / z.length - 0.3173) < 0.01, `${moved / z.length}`);
});

Deno.test("truncateLatents() gives the truncated normal's variance 1 - 2 psi phi(psi) / (2 Phi(psi) - 1)", () => {
  for (const psi of [0.5, 1, 2]) {
    const rows = { seed: 5, start: 0, count: 20_000, dim: 8 };
    const t = truncateLatents(normals(rows.seed, rows), rows, psi);
    let s = 0, s2 = 0;
    for (const v of t) (s += v, s2 += v * v);
    const mean = s / t.length, variance = s2 / t.length - mean * mean;
    const phi = Math.exp(-psi * psi / 2) / Math.sqrt(2 * Math.PI);
    const expected = 1 - (2 * psi * phi) / (2 * normalCdf(psi) - 1);
    assert.ok(Math.abs(mean) < 0.01, `psi ${psi}: mean ${mean}`);
    assert.ok(Math.abs(variance / expected - 1) < 0.02, `psi ${psi}: ${variance} vs ${expected}`);
  }
});

Deno.test("truncateLatents() depends on (seed, row) only, not on how rows are batched", () => {
  const dim = 16, seed = 3;
  const whole = truncateLatents(normals(seed, { start: 0, count: 100, dim }), {
    seed,
    start: 0,
    count: 100,
    dim,
  }, 0.7);
  const part = truncateLatents(normals(seed, { start: 40, count: 7, dim }), {
    seed,
    start: 40,
    count: 7,
    dim,
  }, 0.7);
  assert.deepEqual([...part], [...whole.subarray(40 * dim, 47 * dim)]);
});

Deno.test("checkPsi() names psi and its range", () => {
  checkPsi(4);
  for (const bad of [0, -1, 4.5, NaN]) {
    assert.throws(() => checkPsi(bad), /'psi' must be in \(0, 4\]: current value is/);
  }
});
