/**
 * DRS calibration through the serving interface: a burn-in of generator samples scored by the
 * discriminator, on the same runtime the edge serves from. One function owns calibration for
 * trained models and for bring-your-own ONNX pairs alike.
 *
 * @module
 */

import type { Backend } from "../backends/mod.ts";
import { calibrateDrs, type DrsConstants } from "../shared/calibration.ts";
import { scoreProposals } from "../sampling/mod.ts";

/** Options for {@linkcode calibrateBackend}. */
export interface CalibrateBackendOptions {
  /** Burn-in size (the paper uses about 10,000). @default {10000} */
  samples?: number;
  /** Percentile of F (0..100) taken as gamma. @default {95} */
  percentile?: number;
  /** @default {1e-6} */
  epsilon?: number;
  /** Seed of the burn-in latents (a stream separate from serving seeds is not needed). @default {0x5eed} */
  seed?: number;
  /** Proposals per backend call. @default {1024} */
  batch?: number;
}

/**
 * Discriminator logits of `samples` generator samples (proposals 0.. of the burn-in seed, through
 * the sampling core): `// [samples]`.
 */
export async function burnInLogits(
  backend: Backend,
  latentDim: number,
  options: { samples?: number; seed?: number; batch?: number } = {},
): Promise<Float32Array> {
  const samples = options.samples ?? 10_000;
  const batch = options.batch ?? 1024;
  const seed = options.seed ?? 0x5eed;
  if (!Number.isInteger(samples) || samples < 100) {
    throw new RangeError(
      `Cannot calibrate as 'samples' must be an integer >= 100: current value is ${samples}`,
    );
  }
  return await scoreProposals({ backend, latentDim }, { seed, count: samples }, { batch });
}

/**
 * Refuses a discriminator that outputs probabilities instead of logits: every burn-in value in
 * [0, 1] (a sigmoid head) would make DRS silently wrong.
 */
export function assertLogits(logits: ArrayLike<number>): void {
  let inUnit = 0, finite = 0;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (Number.isFinite(v)) finite++;
    if (v >= 0 && v <= 1) inUnit++;
  }
  if (finite === 0) {
    throw new RangeError("Cannot calibrate as the discriminator returned no finite logit");
  }
  if (inUnit === logits.length && logits.length >= 100) {
    throw new RangeError(
      "Cannot calibrate as the discriminator's outputs all lie in [0, 1]: it looks like it " +
        "ends in a sigmoid and returns probabilities; export the pre-sigmoid logit instead",
    );
  }
}

/** Burn-in on `backend`, then logM, gamma, expected acceptance and the F quantile table. */
export async function calibrateBackend(
  backend: Backend,
  latentDim: number,
  options: CalibrateBackendOptions = {},
): Promise<DrsConstants> {
  const logits = await burnInLogits(backend, latentDim, options);
  assertLogits(logits);
  return calibrateDrs(logits, { percentile: options.percentile, epsilon: options.epsilon });
}
