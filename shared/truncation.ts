/**
 * The truncation trick (BigGAN, Brock et al. 2019): latent entries with |z| > psi are redrawn,
 * so G sees only the dense middle of its prior (quality up, diversity down as psi shrinks).
 *
 * Redrawing until |z| <= psi gives exactly the standard normal truncated to [-psi, psi]; here
 * each out-of-range entry is replaced in one step by the inverse CDF of that law at a uniform of
 * its own (`STREAM_TRUNCATION`, indexed by row and dimension), so the result depends on (seed,
 * row) only, whatever the batching, and in-range entries keep their values.
 *
 * @module
 */

import { STREAM_TRUNCATION, uniforms } from "./rng.ts";

/** The largest psi accepted (beyond it truncation changes almost nothing). */
export const MAX_PSI = 4;

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x) by its Maclaurin series: accurate to ~1e-13 for |x| <= 3 (psi <= 4 needs |x| <= 2.83). */
function erf(x: number): number {
  const x2 = x * x;
  let term = x, sum = x;
  for (let n = 1; n < 100; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/** The standard normal CDF for |x| <= {@linkcode MAX_PSI}. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** The x in [-psi, psi] with normalCdf(x) = p (safeguarded Newton; p inside the range's CDF). */
function truncatedQuantile(p: number, psi: number): number {
  let lo = -psi, hi = psi;
  // Start from the logistic approximation of the probit (within ~0.1 over the range).
  let x = Math.min(hi, Math.max(lo, Math.sqrt(Math.PI / 8) * Math.log(p / (1 - p))));
  for (let i = 0; i < 60; i++) {
    const f = normalCdf(x) - p;
    if (f > 0) hi = x;
    else lo = x;
    let next = x - f / normalPdf(x);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2; // Newton left the bracket: bisect
    if (Math.abs(next - x) < 1e-12 * Math.max(1, Math.abs(x))) return next;
    x = next;
  }
  return x;
}

/** Throws unless `psi` is in (0, {@linkcode MAX_PSI}]. */
export function checkPsi(psi: number): void {
  if (!(psi > 0 && psi <= MAX_PSI)) {
    throw new RangeError(
      `Cannot truncate as 'psi' must be in (0, ${MAX_PSI}]: current value is ${psi}`,
    );
  }
}

/**
 * Truncates latent rows `start .. start + count - 1` of `seed` in place: every entry with
 * |z| > psi becomes a draw from the normal truncated to [-psi, psi]. `z` is `// [count, dim]`.
 */
export function truncateLatents(
  z: Float32Array,
  rows: { seed: number; start: number; count: number; dim: number },
  psi: number,
): Float32Array {
  checkPsi(psi);
  const { seed, start, count, dim } = rows;
  const lowP = normalCdf(-psi), span = normalCdf(psi) - lowP;
  // One uniform per entry of the rows, indexed by the entry's place in the whole stream.
  const u = uniforms(seed, { start: start * dim, count: count * dim }, {
    stream: STREAM_TRUNCATION,
  });
  for (let i = 0; i < count * dim; i++) {
    if (Math.abs(z[i]) > psi) z[i] = truncatedQuantile(lowP + u[i] * span, psi);
  }
  return z;
}
