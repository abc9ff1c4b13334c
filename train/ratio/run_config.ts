/**
 * The config of a 2-D ratio run (`pipeline.ts`): the estimator's model and training fields plus
 * the run's own, with their defaults; recorded in the candidate's manifest.
 *
 * @module
 */

import { DEFAULT_RATIO_MODEL, type RatioModelConfig } from "./model.ts";
import { DEFAULT_RATIO_TRAIN, type RatioTrainConfig } from "./train.ts";

/** Everything that decides a ratio run (recorded in the candidate's manifest). */
export interface RatioRunConfig extends RatioModelConfig, RatioTrainConfig {
  /** Seed of the estimator's weights and of its data streams. @default {1} */
  seed: number;
  /** tfjs backend for training. @default {"wasm"} */
  backend: "wasm" | "cpu";
  /**
   * `rff`: a fresh random-Fourier-feature estimator; `base-d`: keep training the base model's
   * own discriminator (KeepTraining(D) for longer, the baseline). @default {"rff"}
   */
  init: "rff" | "base-d";
  /** Reals and fakes, each, in the calibrator's fit set and in its check set. @default {32768} */
  calibrationSamples: number;
  /** G samples (and real points) of the diagnostics. @default {200000} */
  diagnoseSamples: number;
  /**
   * Percentile of F (0..100) taken as the manifest's default gamma; lower percentiles give
   * higher acceptance. @default {the base model's drs.percentile}
   */
  percentile?: number;
  /**
   * Target acceptance of the manifest's default gamma on the burn-in (0..1); sets the
   * percentile (overrides `percentile`). @default {undefined}
   */
  acceptance?: number;
  /**
   * The served logit is capped at this percentile (0..100] of the trained estimator's logits
   * on G samples (100: no cap). The largest ratios sit in G's sparse tails, where the estimate
   * rests on the fewest fakes; unbounded, they keep raising DRS's online max logM, so the
   * acceptance of a run drifts down and differs between seeds. @default {99.9}
   */
  capPercentile: number;
}

/** Defaults of a ratio run. */
export const DEFAULT_RATIO_RUN: RatioRunConfig = {
  ...DEFAULT_RATIO_MODEL,
  ...DEFAULT_RATIO_TRAIN,
  seed: 1,
  backend: "wasm",
  init: "rff",
  calibrationSamples: 32768,
  diagnoseSamples: 200_000,
  capPercentile: 99.9,
};
