/**
 * Fitting the calibrators of `shared/calibrator.ts` on held-out labelled logits (1 = real,
 * 0 = generated): Platt scaling by Newton's method on the logistic log-likelihood, isotonic
 * regression by pool-adjacent-violators (PAV). The results are plain data for the manifest.
 *
 * @module
 */

import type { IsotonicCalibrator, PlattCalibrator } from "../../shared/calibrator.ts";
import { sigmoid } from "../../shared/drs.ts";

/** Labelled logits: `logits[i]` of a sample whose label is `labels[i]` (1 real, 0 fake). */
export interface LabelledLogits {
  logits: ArrayLike<number>;
  labels: ArrayLike<number>;
}

function finitePairs(data: LabelledLogits, what: string): { x: number[]; y: number[] } {
  const { logits, labels } = data;
  if (logits.length !== labels.length) {
    throw new RangeError(
      `Cannot fit ${what} as 'labels' must hold one label per logit: ${labels.length} vs ${logits.length}`,
    );
  }
  const x: number[] = [], y: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) {
      throw new RangeError(
        `Cannot fit ${what} as labels must be 0 or 1: labels[${i}] is ${labels[i]}`,
      );
    }
    if (Number.isFinite(logits[i])) {
      x.push(logits[i]);
      y.push(labels[i]);
    }
  }
  const positives = y.reduce((a, b) => a + b, 0);
  if (positives === 0 || positives === y.length) {
    throw new RangeError(
      `Cannot fit ${what} as it needs finite logits of both labels: got ${positives} real and ` +
        `${y.length - positives} fake`,
    );
  }
  return { x, y };
}

/** Options for {@linkcode fitPlatt}. */
export interface FitPlattOptions {
  /**
   * Platt's (1999) targets (N+ + 1) / (N+ + 2) and 1 / (N- + 2) instead of 1 and 0, which keep
   * the fit finite on separable data. @default {true}
   */
  plattTargets?: boolean;
  /** Newton iterations at most. @default {100} */
  maxIterations?: number;
}

/** Mean negative log-likelihood of targets t under sigmoid(a x + b). */
function nll(x: number[], t: number[], a: number, b: number): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const z = a * x[i] + b;
    // -t log sigmoid(z) - (1 - t) log(1 - sigmoid(z)) = softplus(z) - t z
    sum += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - t[i] * z;
  }
  return sum / x.length;
}

/** Platt scaling: (a, b) maximising the likelihood of sigmoid(a * logit + b). */
export function fitPlatt(data: LabelledLogits, options: FitPlattOptions = {}): PlattCalibrator {
  const { x, y } = finitePairs(data, "a Platt calibrator");
  const positives = y.reduce((s, v) => s + v, 0), negatives = y.length - positives;
  const hi = (options.plattTargets ?? true) ? (positives + 1) / (positives + 2) : 1;
  const lo = (options.plattTargets ?? true) ? 1 / (negatives + 2) : 0;
  const t = y.map((v) => (v === 1 ? hi : lo));
  let a = 1, b = 0, loss = nll(x, t, a, b);
  for (let it = 0; it < (options.maxIterations ?? 100); it++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (let i = 0; i < x.length; i++) {
      const p = sigmoid(a * x[i] + b), r = p - t[i], w = p * (1 - p);
      ga += r * x[i];
      gb += r;
      haa += w * x[i] * x[i];
      hab += w * x[i];
      hbb += w;
    }
    const ridge = 1e-12 * (haa + hbb) + 1e-300;
    const det = (haa + ridge) * (hbb + ridge) - hab * hab;
    const da = ((hbb + ridge) * ga - hab * gb) / det, db = ((haa + ridge) * gb - hab * ga) / det;
    // Backtracking keeps every step a descent step (Newton can overshoot far from the optimum);
    // near the optimum the loss is flat to rounding, so a step that keeps it within rounding
    // is taken and the loop ends on the step size.
    const slack = 1e-14 * Math.max(1, Math.abs(loss));
    let step = 1, next = nll(x, t, a - da, b - db);
    while (!(next <= loss + slack) && step > 1e-10) {
      step /= 2;
      next = nll(x, t, a - step * da, b - step * db);
    }
    if (!(next <= loss + slack)) break;
    a -= step * da;
    b -= step * db;
    loss = Math.min(loss, next);
    if (Math.abs(step * da) + Math.abs(step * db) < 1e-13 * (1 + Math.abs(a) + Math.abs(b))) break;
  }
  if (!(a > 0) || !Number.isFinite(b)) {
    throw new RangeError(
      `Cannot fit a Platt calibrator as the fitted slope must be positive and finite: a = ${a}, ` +
        `b = ${b} (the logits rank fakes above reals)`,
    );
  }
  return { kind: "platt", a, b };
}

/** Options for {@linkcode fitIsotonic}. */
export interface FitIsotonicOptions {
  /** Probability floor of the table. @default {1 / (n + 2), n the finite samples} */
  floor?: number;
}

/**
 * Isotonic regression of the label on the logit (PAV, ties pooled), stored as the table of
 * block end points: flat runs keep only their first and last breakpoint.
 */
export function fitIsotonic(
  data: LabelledLogits,
  options: FitIsotonicOptions = {},
): IsotonicCalibrator {
  const { x, y } = finitePairs(data, "an isotonic calibrator");
  const order = Array.from(x.keys()).sort((i, j) => x[i] - x[j]);
  // Blocks: [first logit, last logit, weight, mean label]; ties share one block from the start.
  const lo: number[] = [], hi: number[] = [], weight: number[] = [], mean: number[] = [];
  for (const i of order) {
    const top = lo.length - 1;
    if (top >= 0 && hi[top] === x[i]) {
      mean[top] = (mean[top] * weight[top] + y[i]) / (weight[top] + 1);
      weight[top]++;
    } else {
      lo.push(x[i]);
      hi.push(x[i]);
      weight.push(1);
      mean.push(y[i]);
    }
    // Pool adjacent violators from the right end down.
    while (lo.length > 1 && mean[lo.length - 2] >= mean[lo.length - 1]) {
      const k = lo.length - 1, w = weight[k - 1] + weight[k];
      mean[k - 1] = (mean[k - 1] * weight[k - 1] + mean[k] * weight[k]) / w;
      weight[k - 1] = w;
      hi[k - 1] = hi[k];
      lo.pop(), hi.pop(), weight.pop(), mean.pop();
    }
  }
  const logits: number[] = [], probabilities: number[] = [];
  const push = (l: number, p: number) => {
    if (logits.length > 0 && logits[logits.length - 1] === l) return;
    const n = logits.length;
    // The middle of three equal probabilities adds nothing to the interpolation.
    if (n >= 2 && probabilities[n - 1] === p && probabilities[n - 2] === p) logits[n - 1] = l;
    else {
      logits.push(l);
      probabilities.push(p);
    }
  };
  for (let k = 0; k < lo.length; k++) {
    push(lo[k], mean[k]);
    push(hi[k], mean[k]);
  }
  if (logits.length === 1) {
    // One block (no ordering information): a flat table over a unit interval.
    logits.push(logits[0] + 1);
    probabilities.push(probabilities[0]);
  }
  const floor = options.floor ?? 1 / (x.length + 2);
  if (!(floor > 0 && floor < 0.5)) {
    throw new RangeError(
      `Cannot fit an isotonic calibrator as 'floor' must be in (0, 0.5): current value is ${floor}`,
    );
  }
  return { kind: "isotonic", logits, probabilities, floor };
}
