/**
 * Training configuration: plain typed objects with defaults, recorded verbatim in the manifest
 * so a model can be rebuilt from its manifest alone.
 *
 * @module
 */

/** Datasets the trainer knows. */
export type DatasetName = "grid25" | "ring8";

/** Everything that decides a training run. */
export interface TrainConfig {
  /** Dataset to learn. @default {"grid25"} */
  dataset: DatasetName;
  /** Seed of weights, data and latents: the same config and seed give the same model. @default {1} */
  seed: number;
  /** Latent size of G (wider than 2 fights mode collapse). @default {16} */
  latentDim: number;
  /** Hidden units per layer of both MLPs. @default {128} */
  hidden: number;
  /** Hidden layers of both MLPs. @default {3} */
  layers: number;
  /** Samples per step (real and fake). @default {256} */
  batch: number;
  /** GAN steps (one D and one G update each). @default {10000} */
  steps: number;
  /** Adam learning rate of G and D. @default {1e-4} */
  lr: number;
  /** Learning rate at the end of the GAN phase as a fraction of `lr` (linear decay; 1 keeps it constant). @default {1} */
  lrFinal: number;
  /** Adam beta1. @default {0.5} */
  beta1: number;
  /** Adam beta2. @default {0.9} */
  beta2: number;
  /** R1 gradient penalty weight on real data (0 disables). @default {0.1} */
  r1: number;
  /** Apply R1 every k D steps, scaled by k (lazy regularisation, StyleGAN2). @default {4} */
  r1Every: number;
  /** One-sided label smoothing: real targets become this value (1 disables). @default {1} */
  realLabel: number;
  /** D-only steps with G frozen after GAN training (KeepTraining in the paper). @default {5000} */
  dSteps: number;
  /** Learning rate of the D-only phase. @default {1e-4} */
  dLr: number;
  /** Evaluate the held-out loss every this many D-only steps; stop after `patience` bad checks. @default {250} */
  dEvalEvery: number;
  /** @default {8} */
  dPatience: number;
  /** Burn-in samples for logM / gamma. @default {10000} */
  burnIn: number;
  /** Percentile of F used as gamma (0..100). @default {95} */
  percentile: number;
  /** Samples per evaluation (raw and DRS each). @default {10000} */
  evalSamples: number;
  /** tfjs backend used for training. @default {"wasm"} */
  backend: "wasm" | "cpu";
}

/** Defaults shared by all 2D datasets. */
export const DEFAULT_CONFIG: TrainConfig = {
  dataset: "grid25",
  seed: 1,
  latentDim: 16,
  hidden: 128,
  layers: 3,
  batch: 256,
  steps: 10_000,
  lr: 1e-4,
  lrFinal: 1,
  beta1: 0.5,
  beta2: 0.9,
  r1: 0.1,
  r1Every: 4,
  realLabel: 1,
  dSteps: 5_000,
  dLr: 1e-4,
  dEvalEvery: 250,
  dPatience: 8,
  burnIn: 10_000,
  percentile: 95,
  evalSamples: 10_000,
  backend: "wasm",
};

/** Per-dataset overrides on top of {@linkcode DEFAULT_CONFIG}. */
export const DATASET_DEFAULTS: Record<DatasetName, Partial<TrainConfig>> = {
  // Chosen by a sweep (lr 1e-4..5e-3, R1 0.01..1, batch, latent, width, decay; see README):
  // a fast decaying lr sharpens G within the time budget, and a 10x larger D-only lr is what
  // makes KeepTraining(D) pay off under DRS.
  grid25: { steps: 8_000, lr: 3e-3, lrFinal: 0.1, dSteps: 3_000, dLr: 1e-3 },
  ring8: { steps: 5_000, dSteps: 2_000 },
};

/** The full config for a dataset with overrides applied. */
export function resolveConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  const dataset = overrides.dataset ?? DEFAULT_CONFIG.dataset;
  return { ...DEFAULT_CONFIG, ...DATASET_DEFAULTS[dataset], ...overrides, dataset };
}
