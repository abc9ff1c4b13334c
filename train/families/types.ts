/**
 * The model-family interface (re-exported by `mod.ts`): what the one pipeline (`train/pipeline.ts`) asks of a family.
 * A family builds G and D for its config, gives the GAN loop its real data, makes the G to
 * export, and measures the exported model (metrics, `report.png`) once it is calibrated.
 * Everything else (the GAN loop, KeepTraining(D), checkpoints, export, calibration, manifest,
 * publish) is the same for every family.
 *
 * Families: `points` (2-D mixtures, two ReLU MLPs) and `cond-image` (class-conditional conv
 * G with a projection or ACGAN D). An architecture is an option of its family (`--arch`).
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { Backend } from "../../backends/mod.ts";
import type { FileEntry } from "../../shared/manifest.ts";
import type { LatentPrior } from "../../shared/latent_prior.ts";
import type { ModelDrs } from "../../sampling/mod.ts";
import type { FamilyName, TrainConfig } from "../config.ts";
import type { TrainSource } from "../gan/source.ts";
import type { Discriminator, Gan } from "../gan/step.ts";

/** What a family says about the exported model after calibration. */
export interface FamilyEvaluation {
  /** The manifest's `metrics` block. */
  metrics: Record<string, unknown>;
  /** Files written beside the model (e.g. `report.png`), already hashed. */
  files: Record<string, FileEntry>;
  /** Lines for the log (a metrics table, a summary). */
  log: string[];
}

/** The model as calibrated: the backend its exported files opened on and its DRS constants. */
export interface CalibratedModel {
  backend: Backend;
  latentDim: number;
  sampleShape: readonly number[];
  classes: number;
  drs: ModelDrs;
  /** The prior G's latents are drawn from. @default {{ kind: "normal" }} */
  latentPrior?: LatentPrior;
  /** Value range of G's samples (images in [0, 1] are measured as if in [-1, 1]). @default {[-1, 1]} */
  outputRange?: [number, number];
}

/** One run of a family: its data loaded, ready to build, train and measure. */
export interface FamilyRun {
  /** Real samples (with classes when conditional) for the GAN loop and KeepTraining(D). */
  source: TrainSource;
  /** Class labels of a conditional model (the manifest's `classes`). */
  classes?: readonly string[];
  /** The manifest's `kind`. */
  kind: "points2d" | "image";
  sampleShape: readonly number[];
  outputRange: [number, number];
  /** The manifest's description. */
  description: string;
  /** Fresh G, D (both views) and, when the config keeps one, the average of G. */
  build(): { generator: tf.LayersModel; discriminator: Discriminator; average?: tf.LayersModel };
  /** D's exported view from its trained heads (a reloaded checkpoint). */
  exportedDiscriminator(heads: tf.LayersModel): tf.LayersModel;
  /** The G to export: the average when kept, batch-norm statistics made for inference. */
  finalGenerator(gan: Gan): tf.LayersModel;
  /** Files that ship beside G and D (the image family's classifier), written into `outDir`. */
  extraFiles?(outDir: string): Promise<Record<string, FileEntry>>;
  /** Metrics and figures of the exported, calibrated model, written into `outDir`. */
  evaluate(model: CalibratedModel, outDir: string): Promise<FamilyEvaluation>;
  /** Manifest `training` fields the family adds (e.g. the dataset split). @default {{}} */
  trainingRecord?(): Record<string, unknown>;
  /** Releases what `prepare` loaded (a classifier). */
  dispose(): void;
}

/** Options for {@linkcode ModelFamily.prepare}. */
export interface PrepareOptions {
  /** The classifier folder of the metrics (TF.js), for families measured by one. */
  classifier?: string;
  /** @default {console.log} */
  log?: (line: string) => void;
}

/** A model family: prepares a run of a config (loads its data and anything it is measured by). */
export interface ModelFamily {
  name: FamilyName;
  /** Installs the tfjs-wasm kernels this family's training needs beyond the defaults. */
  setup?(tfBackend: string): void;
  prepare(config: TrainConfig, options: PrepareOptions): Promise<FamilyRun>;
}
