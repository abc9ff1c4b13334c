/**
 * Training configuration of image models (MNIST): the 2D {@linkcode TrainConfig} fields plus
 * the image architecture, recorded verbatim in the manifest like the 2D config.
 *
 * @module
 */

import { DEFAULT_CONFIG, type TrainConfig } from "./config.ts";
import type { ImageArch } from "./models_image.ts";

/** Image datasets the trainer knows. */
export type ImageDatasetName = "mnist";

/** Everything that decides an image training run. */
export interface ImageTrainConfig extends Omit<TrainConfig, "dataset" | "layers"> {
  /** Dataset to learn. @default {"mnist"} */
  dataset: ImageDatasetName;
  /** G and D architecture. @default {"mlp"} */
  arch: ImageArch;
  /** Width of G (`hidden` is G's middle layer: hidden/2, hidden, 2*hidden units). @default {256} */
  hidden: number;
  /** Width of D (dWidth, dWidth/2 units). @default {512} */
  dWidth: number;
  /** Training images held out for KeepTraining(D)'s early stopping. @default {5000} */
  heldOut: number;
}

/** Defaults of the shipped MNIST model (see train/README_mnist.md for why). */
export const MNIST_DEFAULTS: ImageTrainConfig = {
  ...DEFAULT_CONFIG,
  dataset: "mnist",
  arch: "mlp",
  latentDim: 64,
  hidden: 256,
  dWidth: 512,
  heldOut: 5000,
  batch: 64,
  steps: 10_000,
  lr: 2e-4,
  beta1: 0.5,
  beta2: 0.99,
  r1: 2,
  r1Every: 4,
  // KeepTraining(D) is short and slow on purpose: a validation sweep (README_mnist.md) showed
  // longer or faster D-only training learns G's pixel noise and makes DRS worse in classifier FD.
  dSteps: 400,
  dLr: 1e-5,
  dEvalEvery: 100,
  dPatience: 5,
};

/** The full image config with overrides applied (a `layers` override is ignored). */
export function resolveImageConfig(
  overrides: Partial<TrainConfig | ImageTrainConfig> = {},
): ImageTrainConfig {
  const { dataset: _d, layers: _l, ...rest } = overrides as Partial<TrainConfig>;
  return { ...MNIST_DEFAULTS, ...(rest as Partial<ImageTrainConfig>), dataset: "mnist" };
}
