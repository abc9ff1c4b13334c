/**
 * Training configuration of the class-conditional image GANs (MNIST, Fashion-MNIST): plain
 * typed objects with defaults, written verbatim into the run's `training.json`.
 *
 * @module
 */

import type { Conditioning, GeneratorConv } from "./models_cond.ts";

/** Labelled image datasets the conditional trainer knows. */
export type CondDatasetName = "mnist" | "fashion";
/** The datasets of class-conditional models. */
export const CONDITIONAL_DATASETS: readonly CondDatasetName[] = ["mnist", "fashion"];

/** Everything that decides a conditional training run. */
export interface CondTrainConfig {
  /** Dataset to learn. @default {"mnist"} */
  dataset: CondDatasetName;
  /** How D uses the class: projection or an ACGAN auxiliary head. @default {"proj"} */
  conditioning: Conditioning;
  /** Seed of weights, data, classes and latents. @default {1} */
  seed: number;
  /** Latent size of G. @default {64} */
  latentDim: number;
  /** Channels of G's 7 x 7 grid (the dense layer's output). @default {128} */
  gGrid: number;
  /** G's 3 x 3 convs: resolution and filters. @default {[{ at: 7, filters: 64 }, { at: 14, filters: 32 }]} */
  gConvs: GeneratorConv[];
  /** Kernel of G's output conv. @default {3} */
  gOutKernel: number;
  /** Size of G's class embedding. @default {32} */
  embedDim: number;
  /** Batch norm in G. @default {true} */
  gBatchNorm: boolean;
  /** Channels of D's first conv. @default {32} */
  dWidth: number;
  /** Units of D's feature phi(x). @default {256} */
  dFeatures: number;
  /** Images per step (real and fake). @default {64} */
  batch: number;
  /** Upper bound on GAN steps (the time budget usually ends the phase first). @default {100000} */
  steps: number;
  /** Wall-clock budget of the whole run in minutes (0: no limit). @default {0} */
  maxMinutes: number;
  /** Minutes kept from the budget for KeepTraining(D), export and metrics. @default {4} */
  reserveMinutes: number;
  /** Minutes between checkpoints during the GAN phase. @default {10} */
  checkpointMinutes: number;
  /** Adam learning rate of G and D. @default {2e-4} */
  lr: number;
  /** Final learning rate as a fraction of `lr`, reached linearly by the end of the phase. @default {1} */
  lrFinal: number;
  /** Adam beta1. @default {0.5} */
  beta1: number;
  /** Adam beta2. @default {0.999} */
  beta2: number;
  /** R1 penalty weight on real data (0 disables). @default {0} */
  r1: number;
  /** Apply R1 every k D steps, scaled by k. @default {4} */
  r1Every: number;
  /** One-sided label smoothing: target of real images (1 disables). @default {1} */
  realLabel: number;
  /** A class head on the projection D too (trained on real images; G's loss reads it). @default {false} */
  classHead: boolean;
  /** Weight of the class-head losses (ACGAN, or projection with `classHead`). @default {1} */
  auxWeight: number;
  /** Weight of MSGAN's mode-seeking term in G's loss (0 disables). @default {0} */
  diversity: number;
  /** Decay of the exponential moving average of G's weights (0: no average). @default {0.999} */
  emaDecay: number;
  /** Images held out of training for KeepTraining(D)'s early stopping. @default {5000} */
  heldOut: number;
  /** Batches of 500 whose statistics become G's batch-norm statistics at export. @default {50} */
  bnBatches: number;
  /** D-only steps with G frozen (KeepTraining). @default {400} */
  dSteps: number;
  /** Learning rate of the D-only phase. @default {1e-5} */
  dLr: number;
  /** Held-out check every this many D-only steps. @default {100} */
  dEvalEvery: number;
  /** Stop after this many checks without improvement. @default {5} */
  dPatience: number;
  /** Samples per class in the raw-G metrics. @default {1000} */
  evalPerClass: number;
  /** Held-out (test) images the metrics compare against, and training images of the sanity row. @default {10000} */
  evalRealImages: number;
  /** tfjs backend used for training. @default {"wasm"} */
  backend: "wasm" | "cpu";
}

/** Defaults of the conditional image models. */
export const COND_DEFAULTS: CondTrainConfig = {
  dataset: "mnist",
  conditioning: "proj",
  seed: 1,
  latentDim: 64,
  gGrid: 128,
  gConvs: [{ at: 7, filters: 64 }, { at: 14, filters: 32 }],
  gOutKernel: 3,
  embedDim: 32,
  gBatchNorm: true,
  dWidth: 32,
  dFeatures: 256,
  batch: 64,
  steps: 100_000,
  maxMinutes: 0,
  reserveMinutes: 4,
  checkpointMinutes: 10,
  lr: 2e-4,
  lrFinal: 1,
  beta1: 0.5,
  beta2: 0.999,
  r1: 0,
  r1Every: 4,
  realLabel: 1,
  classHead: false,
  auxWeight: 1,
  diversity: 0,
  emaDecay: 0.999,
  heldOut: 5000,
  bnBatches: 50,
  // Short and gentle, as for the MLP model (README_mnist.md): longer D-only training learned
  // G's pixel noise there.
  dSteps: 400,
  dLr: 1e-5,
  dEvalEvery: 100,
  dPatience: 5,
  evalPerClass: 1000,
  evalRealImages: 10_000,
  backend: "wasm",
};

/** The full config with overrides applied. */
export function resolveCondConfig(overrides: Partial<CondTrainConfig> = {}): CondTrainConfig {
  const defined = Object.entries(overrides).filter(([, v]) => v !== undefined);
  return { ...COND_DEFAULTS, ...Object.fromEntries(defined) };
}

/** The config fields that decide the GAN phase (a checkpoint resumes only when they match). */
export const GAN_PHASE_KEYS = [
  "dataset",
  "conditioning",
  "seed",
  "latentDim",
  "gGrid",
  "gConvs",
  "gOutKernel",
  "embedDim",
  "gBatchNorm",
  "dWidth",
  "dFeatures",
  "batch",
  "lr",
  "beta1",
  "beta2",
  "r1",
  "r1Every",
  "realLabel",
  "classHead",
  "auxWeight",
  "diversity",
  "emaDecay",
  "heldOut",
] as const satisfies readonly (keyof CondTrainConfig)[];
