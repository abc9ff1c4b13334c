/**
 * Evaluation samples through the sampling core: the first n raw G samples, or the first n DRS
 * samples, of a seed, with the serving code (same draws, decisions and statistics as a served
 * request for the same seed and n), without the serving limits.
 *
 * @module
 */

import type { Backend } from "../../backends/mod.ts";
import { sample, type SampleResult, type SamplerSpec } from "../../sampling/mod.ts";

/** A model as evaluation sees it: the backend, shapes and the calibrated DRS constants. */
export interface EvaluatedModel {
  backend: Backend;
  latentDim: number;
  sampleShape: readonly number[];
  drs: { logM: number; epsilon: number; gamma: number; fQuantiles: readonly number[] };
}

/** Options for {@linkcode collectSamples}. */
export interface CollectOptions {
  seed: number;
  /** The sampler. @default {DRS at the model's calibrated gamma} */
  sampler?: SamplerSpec;
  /** Give up after this many proposals per returned sample. @default {400} */
  maxProposalsPerSample?: number;
}

/** The first `n` samples of `options.seed` with the chosen sampler (no deadline). */
export function collectSamples(
  model: EvaluatedModel,
  n: number,
  options: CollectOptions,
): Promise<SampleResult> {
  return sample(model, {
    seed: options.seed,
    n,
    sampler: options.sampler ?? { kind: "drs", gamma: model.drs.gamma },
  }, {
    budget: (options.maxProposalsPerSample ?? 400) * n,
    deadlineMs: Infinity,
    yieldEveryMs: Infinity,
  });
}
