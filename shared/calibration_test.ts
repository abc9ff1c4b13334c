import assert from "node:assert/strict";
import {
  calibrateDrs,
  estimateLogM,
  expectedAcceptance,
  gammaForAcceptance,
  percentileForAcceptance,
} from "./calibration.ts";
import { createDrsState, decideBatch } from "./drs.ts";
import { drsSchema } from "./manifest.ts";
import { normals, uniforms } from "./rng.ts";
import { assertAlmostEquals, assertClose } from "../testing/assert.ts";

/** Burn-in logits: a seeded spread with NaN / +-Infinity mixed in (as a flaky D might give). */
function burnIn(n: number, seed: number): Float64Array {
  const z = normals(seed, { start: 0, count: n, dim: 1 });
  const logits = Float64Array.from(z, (v) => 1.3 * v - 0.4);
  logits[17] = NaN;
  logits[18] = Infinity;
  logits[19] = -Infinity;
  return logits;
}

/** Naive F and independent sorting/percentile, for cross-checks. */
function naiveF(logit: number, logM: number, eps: number): number {
  const d = logit - logM;
  return d - Math.log(1 - Math.exp(d - eps));
}
function naivePercentile(sortedAsc: number[], q: number): number {
  const pos = (q / 100) * (sortedAsc.length - 1);
  const i = Math.floor(pos);
  if (i === sortedAsc.length - 1) return sortedAsc[i];
  return sortedAsc[i] * (1 - (pos - i)) + sortedAsc[i + 1] * (pos - i);
}

Deno.test("calibrateDrs() sets gamma to the 95th percentile of F and expectedAcceptance to mean sigmoid(F - gamma)", () => {
  const logits = burnIn(5000, 3);
  const c = calibrateDrs(logits);
  const finite = Array.from(logits).filter(Number.isFinite);
  assert.equal(finite.length, 4997); // NaN, +Infinity and -Infinity left out
  const logM = Math.max(...finite);
  assert.deepEqual(c.logM, logM);
  assert.equal(c.epsilon, 1e-6);
  assert.equal(c.percentile, 95);
  assert.equal(c.burnInSamples, 5000);
  const f = finite.map((l) => naiveF(l, logM, 1e-6)).sort((a, b) => a - b);
  const gamma = naivePercentile(f, 95);
  assertClose(c.gamma, gamma, { rel: 1e-9 });
  const mean = f.reduce((s, v) => s + 1 / (1 + Math.exp(-(v - gamma))), 0) / f.length;
  assertClose(c.expectedAcceptance, mean, { rel: 1e-9 });
  // Gamma at the 95th percentile: few candidates have F above gamma, so acceptance is low.
  assert.ok(c.expectedAcceptance > 0.01 && c.expectedAcceptance < 0.2, `${c.expectedAcceptance}`);
});

Deno.test("calibrateDrs() fQuantiles has 101 non-decreasing F values with fQuantiles[95] == gamma", () => {
  const c = calibrateDrs(burnIn(5000, 4));
  assert.equal(c.fQuantiles.length, 101);
  for (let k = 1; k <= 100; k++) {
    assert.ok(c.fQuantiles[k] >= c.fQuantiles[k - 1], `fQuantiles[${k}] decreases`);
  }
  assert.ok(c.fQuantiles[100] > c.fQuantiles[0]);
  assert.deepEqual(c.fQuantiles[95], c.gamma);
  // The top quantile is F at the argmax: -log(1 - exp(-eps)).
  assertClose(c.fQuantiles[100], -Math.log(-Math.expm1(-1e-6)), { rel: 1e-14 });
  const c80 = calibrateDrs(burnIn(5000, 4), { percentile: 80, epsilon: 1e-8 });
  assert.deepEqual(c80.fQuantiles[80], c80.gamma);
  assert.equal(c80.percentile, 80);
  assert.equal(c80.epsilon, 1e-8);
  assertClose(c80.fQuantiles[100], -Math.log(-Math.expm1(-1e-8)), { rel: 1e-14 });
  assert.ok(c80.gamma < c.gamma); // a lower percentile is a smaller shift
  assert.ok(c80.expectedAcceptance > c.expectedAcceptance);
});

Deno.test("calibrateDrs() output satisfies the manifest drs schema", () => {
  const c = calibrateDrs(burnIn(2000, 5));
  assert.deepEqual(drsSchema.parse(c), c);
});

Deno.test("calibrateDrs() rejects a percentile outside 0..100 and a burn-in with no finite logit", () => {
  for (const q of [-1, 100.5, NaN]) {
    assert.throws(() => calibrateDrs([0, 1, 2], { percentile: q }), {
      name: "RangeError",
      message: `Cannot calibrate as 'percentile' must be in 0..100: current value is ${q}`,
    });
  }
  assert.throws(() => calibrateDrs([NaN, Infinity]), {
    name: "RangeError",
    message: /no burn-in logit is finite/,
  });
});

Deno.test("gammaForAcceptance() inverts expectedAcceptance over the quantile table within 1e-6", () => {
  const table = calibrateDrs(burnIn(5000, 6)).fQuantiles;
  let previous = Infinity;
  for (const target of [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999]) {
    const gamma = gammaForAcceptance(target, table);
    assertAlmostEquals(expectedAcceptance(table, gamma), target, 1e-6, `target ${target}`);
    // Monotone: more acceptance needs a smaller gamma.
    assert.ok(gamma < previous, `gamma(${target}) = ${gamma} is not below ${previous}`);
    previous = gamma;
  }
  for (const gamma of [-3, 0, 2.5, 10]) {
    const back = gammaForAcceptance(expectedAcceptance(table, gamma), table);
    assertAlmostEquals(back, gamma, 1e-6, `gamma ${gamma}`);
  }
});

Deno.test("gammaForAcceptance() solves a closed-form table exactly", () => {
  // One value F0 = 0: sigmoid(-gamma) = t  =>  gamma = log((1 - t) / t).
  for (const t of [0.1, 0.5, 0.8]) {
    assertAlmostEquals(gammaForAcceptance(t, [0]), Math.log((1 - t) / t), 1e-9);
  }
});

Deno.test("gammaForAcceptance() rejects a target outside (0, 1)", () => {
  for (const t of [0, 1, -0.5, 1.5, NaN]) {
    assert.throws(() => gammaForAcceptance(t, [0, 1]), {
      name: "RangeError",
      message: `Cannot pick gamma as 'acceptance' must be in (0, 1): current value is ${t}`,
    });
  }
});

// Monte Carlo: p_g = N(0, 1) (the "generator"), p_data = N(0.5, 0.5^2). The exact logit of the
// optimal discriminator is D~(x) = log p_data(x) - log p_g(x) = ln 2 - 2 (x - 1/2)^2 + x^2 / 2,
// maximal at x = 2/3 with logM = ln 2 + 1/6. With s = exp(D~ - logM) = r(x) / M and gamma = 0,
//   sigmoid(F) = s / (1 + s (1 - e^-eps)) = s (1 - O(eps)),
// so DRS at gamma = 0 is rejection sampling with acceptance r / M: the kept samples follow
// p_data exactly up to O(eps) = 1e-6, and the acceptance rate is E_g[r] / M = 1 / M.
const MU = 0.5, SIGMA = 0.5;
const TRUE_LOGM = Math.LN2 + 1 / 6;
function exactLogit(x: number): number {
  return Math.LN2 - 2 * (x - MU) ** 2 + (x * x) / 2;
}

function runDrs(
  n: number,
  gamma: number,
  logM: number,
  seed = 11,
): { kept: number[]; raises: number } {
  const x = normals(seed, { start: 0, count: n, dim: 1 });
  const logits = Float64Array.from(x, exactLogit);
  const draws = uniforms(seed, { start: 0, count: n });
  const state = createDrsState(logM);
  const idx = decideBatch(logits, draws, state, { gamma });
  return { kept: idx.map((i) => x[i]), raises: state.logMRaises };
}

function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

Deno.test("decideBatch() with the exact density-ratio logit and gamma = 0 recovers p_data", () => {
  const n = 200_000;
  const { kept, raises } = runDrs(n, 0, TRUE_LOGM);
  assert.equal(raises, 0); // the analytic max is never exceeded
  // Acceptance 1 / M = e^-(ln 2 + 1/6) / ... = 0.5 e^(-1/6) = 0.4232; binomial sd 0.0011.
  assertAlmostEquals(kept.length / n, 0.5 * Math.exp(-1 / 6), 0.006);
  const { mean, variance } = moments(kept);
  // ~85k kept: sd of the mean 0.0017, of the variance 0.0012 (tolerances ~6 sd).
  assertAlmostEquals(mean, MU, 0.01);
  assertAlmostEquals(variance, SIGMA * SIGMA, 0.008);
  // P(0 < x < 1) under N(0.5, 0.5^2) is P(|z| < 1) = 0.6827.
  const inside = kept.filter((v) => v > 0 && v < 1).length / kept.length;
  assertAlmostEquals(inside, 0.6827, 0.01);
});

Deno.test("decideBatch() with logM from a burn-in and online raises still lands near p_data", () => {
  const burn = normals(12, { start: 0, count: 10_000, dim: 1 });
  const logM = estimateLogM(Float64Array.from(burn, exactLogit));
  assert.ok(logM <= TRUE_LOGM && logM > TRUE_LOGM - 0.01);
  const { kept } = runDrs(100_000, 0, logM);
  const { mean, variance } = moments(kept);
  assertAlmostEquals(mean, MU, 0.015);
  assertAlmostEquals(variance, SIGMA * SIGMA, 0.012);
});

Deno.test("decideBatch() gamma trades acceptance for concentration: gamma > 0 tightens, gamma < 0 loosens", () => {
  const n = 100_000;
  const c = calibrateDrs(
    Float64Array.from(normals(13, { start: 0, count: 10_000, dim: 1 }), exactLogit),
  );
  assert.ok(c.gamma > 0);
  const exact = runDrs(n, 0, c.logM);
  const tight = runDrs(n, c.gamma, c.logM);
  const loose = runDrs(n, -3, c.logM);
  const vTight = moments(tight.kept).variance;
  const vExact = moments(exact.kept).variance;
  const vLoose = moments(loose.kept).variance;
  assert.ok(tight.kept.length < exact.kept.length && exact.kept.length < loose.kept.length);
  // The realised acceptance matches the calibrated expectation (sd ~0.0007 at n = 100k).
  assertAlmostEquals(tight.kept.length / n, c.expectedAcceptance, 0.005);
  // The generator's variance is 1 and the target's 0.25; DRS moves all the way at gamma = 0,
  // further (tighter around the ratio's mode) for gamma > 0, part of the way for gamma < 0.
  assert.ok(vTight < vExact - 0.05, `gamma > 0: ${vTight} vs ${vExact}`);
  assertAlmostEquals(vExact, 0.25, 0.012);
  assert.ok(vLoose > vExact + 0.05 && vLoose < 0.6, `gamma < 0: ${vLoose}`);
});

Deno.test("percentileForAcceptance() gives the percentile whose gamma yields the target acceptance", () => {
  const logits = burnIn(5000, 8);
  const logM = estimateLogM(logits);
  const f0 = Array.from(logits).filter(Number.isFinite).map((l) => naiveF(l, logM, 1e-6));
  for (const target of [0.85, 0.5, 0.1]) {
    const q = percentileForAcceptance(target, f0);
    assert.ok(q > 0 && q < 100, `${q}`);
    const c = calibrateDrs(logits, { percentile: q });
    assertAlmostEquals(c.expectedAcceptance, target, 1e-6);
    assertClose(c.gamma, gammaForAcceptance(target, f0), { rel: 1e-6, abs: 1e-9 });
  }
  // Higher acceptance needs a lower gamma, so a lower percentile.
  assert.ok(percentileForAcceptance(0.9, f0) < percentileForAcceptance(0.5, f0));
  assert.throws(() => percentileForAcceptance(1, f0), {
    name: "RangeError",
    message: /'acceptance' must be in \(0, 1\)/,
  });
});
