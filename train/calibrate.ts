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
import type { Manifest } from "../shared/manifest.ts";
import type { LatentPrior } from "../shared/latent_prior.ts";

/** Seed of every burn-in (its latents are apart from serving seeds by the stream). */
const BURN_IN_SEED = 0x5eed;

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
  const seed = options.seed ?? BURN_IN_SEED;
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

/** Options for {@linkcode calibrateModel}. */
export interface CalibrateModelOptions {
  /** Burn-in proposals (per class when conditional). @default {10000} */
  samples?: number;
  /** Percentile of F (0..100) taken as gamma. @default {95} */
  percentile?: number;
  /**
   * Refuse a D whose burn-in outputs all lie in [0, 1] ({@linkcode assertLogits}): for pairs
   * trained elsewhere. A trained D's head is the pre-sigmoid logit by construction (an early
   * one may well output values in [0, 1]). @default {false}
   */
  checkLogits?: boolean;
  /** @default {1e-6} */
  epsilon?: number;
}

/**
 * The manifest's `drs` block of a model on `backend`: one burn-in over classes drawn uniformly
 * and, for a class-conditional model, one burn-in per class (`drs.classes`, each lane's own
 * logM, gamma and F quantiles), all through the sampling core on the serving runtime.
 */
export async function calibrateModel(
  backend: Backend,
  shape: { latentDim: number; classes?: number; latentPrior?: LatentPrior },
  options: CalibrateModelOptions = {},
): Promise<Manifest["drs"]> {
  const samples = options.samples ?? 10_000, percentile = options.percentile ?? 95;
  const classes = shape.classes ?? 0;
  const model = { backend, latentDim: shape.latentDim, classes, latentPrior: shape.latentPrior };
  const burn = async (label?: number) => {
    const logits = await scoreProposals(model, { seed: BURN_IN_SEED, count: samples, label });
    if (options.checkLogits) assertLogits(logits);
    return calibrateDrs(logits, { percentile, epsilon: options.epsilon });
  };
  if (classes === 0) return await burn();
  const perClass = [];
  for (let c = 0; c < classes; c++) {
    const { epsilon: _e, percentile: _p, ...lane } = await burn(c);
    perClass.push(lane);
  }
  return { ...await burn(), classes: perClass };
}
