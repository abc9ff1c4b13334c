/**
 * The one training config: a plain typed object, the base fields every family reads plus each
 * family's extras, with defaults per family; named presets as files (`presets/<name>.json`, the
 * configs that built the shipped models among them); recorded verbatim in the manifest so a
 * model can be rebuilt from it. The command line's flags are derived from {@linkcode FIELDS}.
 *
 * Resolution: the family's defaults (from the dataset table), then the preset (by default the
 * one named like the dataset, when there is one), then the flags.
 *
 * @module
 */

import { DATASET_NAMES, datasetInfo, type DatasetName } from "./data/mod.ts";

export type { DatasetName, FamilyName } from "./data/mod.ts";

/** One 3 x 3 conv of an image G (batch norm and ReLU after): the resolution it runs at, its filters. */
export interface GeneratorConv {
  at: 7 | 14 | 28;
  filters: number;
}

/** The fields every family reads. */
export interface BaseConfig {
  /** The preset the run started from, if any. @default {undefined} */
  preset?: string;
  /** Dataset to learn (decides the family). @default {"grid25"} */
  dataset: DatasetName;
  /** Seed of weights, data, classes and latents: the same config gives the same model. @default {1} */
  seed: number;
  /** Latent size of G. @default {16 (points), 64 (image)} */
  latentDim: number;
  /** Samples per step (real and fake). @default {256 (points), 64 (image)} */
  batch: number;
  /** Upper bound on GAN steps (a time budget may end the phase first). @default {10000 (points), 100000 (image)} */
  steps: number;
  /** Wall-clock budget of the whole run in minutes (0: no limit). @default {0} */
  maxMinutes: number;
  /** Minutes kept from the budget for KeepTraining(D), export and metrics. @default {4} */
  reserveMinutes: number;
  /** Minutes between checkpoints during the GAN phase. @default {10} */
  checkpointMinutes: number;
  /** Adam learning rate of G and D. @default {1e-4 (points), 2e-4 (image)} */
  lr: number;
  /** Final learning rate as a fraction of `lr`, reached linearly by the end of the phase. @default {1} */
  lrFinal: number;
  /** Adam beta1. @default {0.5} */
  beta1: number;
  /** Adam beta2. @default {0.9 (points), 0.999 (image)} */
  beta2: number;
  /** R1 penalty weight on real data (0 disables). @default {0.1 (points), 0 (image)} */
  r1: number;
  /** Apply R1 every k D steps, scaled by k (lazy regularisation, StyleGAN2). @default {4} */
  r1Every: number;
  /** One-sided label smoothing: real targets become this value (1 disables). @default {1} */
  realLabel: number;
  /** Decay of the exponential moving average of G's weights (0: no average). @default {0 (points), 0.999 (image)} */
  emaDecay: number;
  /** Top-k (Sinha et al. 2020): floor of the share of G's batch its loss counts (1: off). @default {1} */
  topK: number;
  /** Steps per 1% decay of top-k's kept fraction. @default {50} */
  topKEvery: number;
  /** D-only steps with G frozen after the GAN phase (KeepTraining). @default {5000 (points), 400 (image)} */
  dSteps: number;
  /** Learning rate of the D-only phase. @default {1e-4 (points), 1e-5 (image)} */
  dLr: number;
  /** Held-out check every this many D-only steps. @default {250 (points), 100 (image)} */
  dEvalEvery: number;
  /** Stop the D-only phase after this many checks without improvement. @default {8 (points), 5 (image)} */
  dPatience: number;
  /** Burn-in proposals for logM and gamma (per class when conditional). @default {10000} */
  burnIn: number;
  /** Percentile of F taken as gamma (0..100). @default {95} */
  percentile: number;
  /** Exported weight precision: float16 halves the files (G and D rounded before export). @default {"float32" (points), "float16" (image)} */
  precision: "float32" | "float16";
  /** Also export `sampler.onnx` (G and D fused into one graph). @default {true (points), false (image)} */
  fused: boolean;
  /** tfjs backend used for training. @default {"wasm"} */
  backend: "wasm" | "cpu";
}

/** The 2-D points family: two ReLU MLPs. */
export interface PointsConfig extends BaseConfig {
  family: "points";
  /** Hidden units per layer of both MLPs. @default {128} */
  hidden: number;
  /** Hidden layers of both MLPs. @default {3} */
  layers: number;
  /** Samples per evaluation (raw and DRS each). @default {10000} */
  evalSamples: number;
}

/** The class-conditional conv image family. */
export interface ImageConfig extends BaseConfig {
  family: "cond-image";
  /** How D uses the class: projection or an ACGAN auxiliary head. @default {"proj"} */
  conditioning: "proj" | "acgan";
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
  /** A class head on the projection D too (trained on real images; G's loss reads it). @default {false} */
  classHead: boolean;
  /** Weight of the class-head losses (ACGAN, or projection with `classHead`). @default {1} */
  auxWeight: number;
  /** Weight of MSGAN's mode-seeking term in G's loss (0 disables). @default {0} */
  diversity: number;
  /** Training images held out for KeepTraining(D)'s early stopping. @default {5000} */
  heldOut: number;
  /** Batches of 500 whose statistics become G's batch-norm statistics at export. @default {50} */
  bnBatches: number;
  /** Evaluation samples per class (raw and DRS each). @default {1000} */
  evalPerClass: number;
}

/** Everything that decides a training run. */
export type TrainConfig = PointsConfig | ImageConfig;

const BASE_DEFAULTS = {
  seed: 1,
  maxMinutes: 0,
  reserveMinutes: 4,
  checkpointMinutes: 10,
  lrFinal: 1,
  beta1: 0.5,
  r1Every: 4,
  realLabel: 1,
  topK: 1,
  topKEvery: 50,
  burnIn: 10_000,
  percentile: 95,
  backend: "wasm",
} as const;

/** Defaults of each family, before a preset or flags. */
export const FAMILY_DEFAULTS: {
  points: Omit<PointsConfig, "dataset">;
  "cond-image": Omit<ImageConfig, "dataset">;
} = {
  points: {
    ...BASE_DEFAULTS,
    family: "points",
    latentDim: 16,
    hidden: 128,
    layers: 3,
    batch: 256,
    steps: 10_000,
    lr: 1e-4,
    beta2: 0.9,
    r1: 0.1,
    emaDecay: 0,
    dSteps: 5_000,
    dLr: 1e-4,
    dEvalEvery: 250,
    dPatience: 8,
    evalSamples: 10_000,
    precision: "float32",
    fused: true,
  },
  "cond-image": {
    ...BASE_DEFAULTS,
    family: "cond-image",
    conditioning: "proj",
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
    lr: 2e-4,
    beta2: 0.999,
    r1: 0,
    classHead: false,
    auxWeight: 1,
    diversity: 0,
    emaDecay: 0.999,
    heldOut: 5000,
    bnBatches: 50,
    // Short and gentle: longer D-only training learned G's pixel noise
    // (docs/training_mlp_mnist_history.md).
    dSteps: 400,
    dLr: 1e-5,
    dEvalEvery: 100,
    dPatience: 5,
    evalPerClass: 1000,
    precision: "float16",
    fused: false,
  },
};

const PRESETS = new URL("./presets/", import.meta.url);

/** The names of the preset files (`presets/<name>.json`). */
export function presetNames(): string[] {
  return [...Deno.readDirSync(PRESETS)].filter((e) => e.name.endsWith(".json"))
    .map((e) => e.name.slice(0, -".json".length)).sort();
}

/** A preset's fields; throws naming the known presets when there is no such file. */
export function readPreset(name: string): Partial<TrainConfig> & { dataset: DatasetName } {
  if (!presetNames().includes(name)) {
    throw new RangeError(
      `Cannot use preset '${name}' as there is no presets/${name}.json: expected one of ${
        presetNames().join(", ")
      }`,
    );
  }
  const { config } = JSON.parse(Deno.readTextFileSync(new URL(`${name}.json`, PRESETS)));
  return config;
}

/** Options for {@linkcode resolveConfig}. */
export interface ResolveOptions {
  /** A preset to start from. @default {the dataset's own preset, when there is one} */
  preset?: string;
}

/**
 * The full config: the family's defaults, the preset, then `overrides` (undefined values are
 * ignored). Fields of the other family are refused.
 */
export function resolveConfig(
  overrides: Partial<Record<string, unknown>> = {},
  options: ResolveOptions = {},
): TrainConfig {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const presetName = options.preset ??
    (presetNames().includes(String(defined.dataset ?? "grid25"))
      ? String(defined.dataset ?? "grid25")
      : undefined);
  const preset: Partial<TrainConfig> = presetName !== undefined ? readPreset(presetName) : {};
  const dataset = (defined.dataset ?? preset.dataset ?? "grid25") as DatasetName;
  const family = datasetInfo(dataset).family;
  const base = FAMILY_DEFAULTS[family];
  for (const key of Object.keys(defined)) {
    if (!(key in base) && key !== "dataset") {
      throw new RangeError(
        `Cannot set '${key}' for dataset '${dataset}' as the ${family} family has no such field`,
      );
    }
  }
  const fromPreset = preset.dataset === dataset ? preset : {};
  return {
    ...base,
    ...fromPreset,
    ...defined,
    dataset,
    family,
    ...(presetName !== undefined && preset.dataset === dataset ? { preset: presetName } : {}),
  } as TrainConfig;
}

export { DATASET_NAMES };
