/**
 * Fits the candidate calibrators on one held-out real/fake set and scores each (identity
 * included) on another: the one with the lowest log loss on the check set is chosen (a proper
 * scoring rule that weighs the confident tails the samplers care about), Brier then ECE
 * breaking ties.
 *
 * @module
 */

import { calibrateLogits, type Calibrator } from "../../shared/calibrator.ts";
import { type Reliability, reliability } from "../diagnose/metrics.ts";
import { fitIsotonic, fitPlatt } from "./fit_calibrator.ts";

/** Raw logits of real and fake samples. */
export interface RealFakeLogits {
  real: ArrayLike<number>;
  fake: ArrayLike<number>;
}

/** One candidate calibrator and how it scores on the check set. */
export interface CalibratorScore {
  calibrator: Calibrator;
  check: Omit<Reliability, "bins">;
}

/** What {@linkcode chooseCalibrator} returns. */
export interface CalibratorChoice {
  chosen: Calibrator;
  /** By kind: identity, platt, isotonic (those that could be fit). */
  scores: Record<string, CalibratorScore>;
  /** Calibrators that could not be fit, with the reason (e.g. a Platt slope <= 0). */
  failed: Record<string, string>;
}

function labelled(set: RealFakeLogits): { logits: number[]; labels: number[] } {
  return {
    logits: [...Array.from(set.real), ...Array.from(set.fake)],
    labels: [...Array.from(set.real, () => 1), ...Array.from(set.fake, () => 0)],
  };
}

/**
 * Fits Platt and isotonic on `fit`, scores them and the identity on `check`, picks one. A
 * calibrator that cannot be fit (a Platt slope <= 0 when the logit ranks fakes above reals)
 * is left out and reported in `failed`.
 */
export function chooseCalibrator(fit: RealFakeLogits, check: RealFakeLogits): CalibratorChoice {
  const data = labelled(fit);
  const candidates: Calibrator[] = [{ kind: "identity" }];
  const failed: Record<string, string> = {};
  for (const [kind, fitter] of [["platt", fitPlatt], ["isotonic", fitIsotonic]] as const) {
    try {
      candidates.push(fitter(data));
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      failed[kind] = error.message;
    }
  }
  const scores: Record<string, CalibratorScore> = {};
  for (const calibrator of candidates) {
    const { bins: _bins, ...summary } = reliability(
      calibrateLogits(check.real, calibrator),
      calibrateLogits(check.fake, calibrator),
    );
    scores[calibrator.kind] = { calibrator, check: summary };
  }
  const ranked = Object.values(scores).sort((p, q) =>
    p.check.logLoss - q.check.logLoss || p.check.brier - q.check.brier || p.check.ece - q.check.ece
  );
  return { chosen: ranked[0].calibrator, scores, failed };
}
