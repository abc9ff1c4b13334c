/**
 * Calibrators of a discriminator (density-ratio estimator) logit, stored as data in the
 * manifest and applied by one pure function. A calibrated logit l' gives D(x) = sigmoid(l'),
 * the probability that x is real on a balanced real/fake set, so exp(l') estimates
 * p_data(x) / p_g(x) (what the Metropolis-Hastings acceptance and DRS read).
 *
 * - `identity`: l' = l.
 * - `platt` (logistic): l' = a * l + b, a > 0.
 * - `isotonic`: p = the piecewise-linear map through (`logits[k]`, `probabilities[k]`), flat
 *   outside the first and last breakpoint, clamped to [`floor`, 1 - `floor`]; l' = logit(p).
 *
 * Every calibrator is non-decreasing in l, so it never reorders proposals. Web APIs only.
 *
 * @module
 */

import { z } from "zod";

/** l' = l. */
export interface IdentityCalibrator {
  kind: "identity";
}

/** Platt scaling: l' = a * l + b (a > 0). */
export interface PlattCalibrator {
  kind: "platt";
  a: number;
  b: number;
}

/** Isotonic regression as a table: breakpoints in logit, probabilities of being real. */
export interface IsotonicCalibrator {
  kind: "isotonic";
  /** Strictly increasing raw logits, at least two. */
  logits: number[];
  /** Non-decreasing probabilities in [0, 1], one per breakpoint. */
  probabilities: number[];
  /** Probabilities are clamped to [floor, 1 - floor] so logits stay finite; in (0, 0.5). */
  floor: number;
}

/** Any calibrator the manifest may carry. */
export type Calibrator = IdentityCalibrator | PlattCalibrator | IsotonicCalibrator;

const finite = z.number().refine(Number.isFinite, "expected a finite number");

/** The manifest's `calibrator` block. */
export const calibratorSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("identity") }),
  z.object({
    kind: z.literal("platt"),
    a: finite.refine((a) => a > 0, "expected a positive slope (a calibrator must not reorder)"),
    b: finite,
  }),
  z.object({
    kind: z.literal("isotonic"),
    logits: z.array(finite).min(2).refine(
      (l) => l.every((v, i) => i === 0 || v > l[i - 1]),
      "expected strictly increasing breakpoints",
    ),
    probabilities: z.array(z.number().min(0).max(1)).min(2).refine(
      (p) => p.every((v, i) => i === 0 || v >= p[i - 1]),
      "expected non-decreasing probabilities",
    ),
    floor: z.number().gt(0).lt(0.5),
  }).refine((c) => c.logits.length === c.probabilities.length, {
    message: "expected one probability per breakpoint",
    path: ["probabilities"],
  }),
]);

/**
 * Validates parsed JSON as a calibrator; throws naming the first bad field:
 * `Cannot use calibrator as 'a' is invalid: expected a positive slope ...`.
 */
export function parseCalibrator(json: unknown): Calibrator {
  const result = calibratorSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.map(String).join(".") || "(root)";
  throw new RangeError(`Cannot use calibrator as '${field}' is invalid: ${issue.message}`);
}

/** log(p / (1 - p)). */
function logitOf(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}

/** Index of the last breakpoint <= l (binary search); -1 below the first. */
function segment(breakpoints: readonly number[], l: number): number {
  let lo = -1, hi = breakpoints.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (breakpoints[mid] <= l) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The isotonic table's probability at raw logit `l` (before the floor clamp). */
export function isotonicProbability(calibrator: IsotonicCalibrator, l: number): number {
  const { logits: xs, probabilities: ps } = calibrator;
  const k = segment(xs, l);
  if (k < 0) return ps[0];
  if (k >= xs.length - 1) return ps[ps.length - 1];
  const t = (l - xs[k]) / (xs[k + 1] - xs[k]);
  return ps[k] + t * (ps[k + 1] - ps[k]);
}

/**
 * The calibrated logit of one raw logit. NaN stays NaN; for `platt`, +-Infinity stay
 * +-Infinity; `isotonic` maps every non-NaN logit (infinities included) to a finite one.
 */
export function calibrateLogit(logit: number, calibrator: Calibrator): number {
  if (Number.isNaN(logit)) return NaN;
  switch (calibrator.kind) {
    case "identity":
      return logit;
    case "platt":
      return calibrator.a * logit + calibrator.b;
    case "isotonic": {
      const p = isotonicProbability(calibrator, logit);
      const { floor } = calibrator;
      return logitOf(Math.min(1 - floor, Math.max(floor, p)));
    }
  }
}

/** {@linkcode calibrateLogit} over an array: `// [n] -> [n]` (float64). */
export function calibrateLogits(logits: ArrayLike<number>, calibrator: Calibrator): Float64Array {
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = calibrateLogit(logits[i], calibrator);
  return out;
}
