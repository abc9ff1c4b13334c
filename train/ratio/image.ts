/**
 * A density-ratio estimator for a class-conditional image model (issue 23): a candidate model
 * folder with the base model's G byte for byte and, in D's place, a class-conditional CNN
 * trained on real training images against fresh G samples (G frozen), its logit an estimate of
 * log p_data(x | y) / p_g(x | y). Early stopping on the held-out training images the GAN never
 * saw; no evaluation classifier is involved. Then export (ONNX, TF.js at the base's precision),
 * per-class DRS constants through the serving runtime, and the manifest. `deno task evaluate
 * --sampler all [--classifier DIR]` judges it.
 *
 * @module
 */

import { join } from "node:path";
import { openOnnxBackend } from "../../backends/onnx_node.ts";
import { GRAPH_NAMES } from "../../backends/graph_check.ts";
import type { Manifest } from "../../shared/manifest.ts";
import { calibrateModel } from "../calibrate.ts";
import type { ImageConfig } from "../config.ts";
import { DATASETS, type LabelledImageDataset } from "../data/mod.ts";
import { labelledSource } from "../data/labelled_source.ts";
import {
  exportOnnx,
  halfPrecisionInitializers,
  loadTfjsModel,
  roundModelToFloat16,
  tfjsModelFiles,
  writeModelFiles,
} from "../export/mod.ts";
import { buildCondDiscriminator, freezeFeatures } from "../families/cond_models.ts";
import type { Progress } from "../gan/keep_training.ts";
import { keepTrainingD } from "../gan/loop.ts";
import { readModelFolder } from "../model_folder.ts";
import { setupTf } from "../tf_setup.ts";
import { installWasmFixes } from "../tfjs_wasm/wasm_fixes.ts";
import { writeManifest } from "../write_manifest.ts";

/** What decides an image estimator run (recorded in the candidate's manifest). */
export interface ImageRatioConfig {
  /** Seed of the estimator's weights and of its fake draws. @default {11} */
  seed: number;
  /** Most training steps (early stopping on held-out images). @default {6000} */
  steps: number;
  /** Reals and fakes per step, each. @default {64} */
  batch: number;
  /** Adam learning rate. @default {2e-4} */
  lr: number;
  /** Held-out checks without improvement before stopping. @default {6} */
  patience: number;
  /** Steps between held-out checks. @default {250} */
  evalEvery: number;
  /** Channels of the first conv (the second has twice as many). @default {64} */
  width: number;
  /** Units of the feature layer. @default {256} */
  features: number;
  /**
   * `fresh`: a new network; `base-d`: the base model's D trained on (the baseline);
   * `d-features`: D's features phi(x) kept frozen and only its head (psi and the class
   * projection) re-fit, a density ratio in D's feature space. @default {"fresh"}
   */
  init: "fresh" | "base-d" | "d-features";
  /** Proposals per class of the DRS burn-in. @default {10000} */
  burnIn: number;
  /** Percentile of F taken as each class's gamma. @default {95} */
  percentile: number;
}

/** Defaults of {@linkcode ImageRatioConfig}. */
export const DEFAULT_IMAGE_RATIO: ImageRatioConfig = {
  seed: 11,
  steps: 6000,
  batch: 64,
  lr: 2e-4,
  patience: 6,
  evalEvery: 250,
  width: 64,
  features: 256,
  init: "fresh",
  burnIn: 10_000,
  percentile: 95,
};

/** Files the candidate takes from the base unchanged. */
const KEPT = [
  "generator.onnx",
  "tfjs/generator/model.json",
  "tfjs/generator/weights.bin",
  "classifier/model.json",
  "classifier/weights.bin",
];

/** The ONNX bytes with their half-precision weights stored as such when `float16`. */
function halfIf(float16: boolean, bytes: Uint8Array): Uint8Array {
  return float16 ? halfPrecisionInitializers(bytes).bytes : bytes;
}

/** Trains the estimator for the image model in `baseDir` and writes the candidate to `outDir`. */
export async function buildImageRatioCandidate(
  baseDir: string,
  outDir: string,
  options: {
    config?: Partial<ImageRatioConfig>;
    id?: string;
    onProgress?: (p: Progress) => void;
    log?: (line: string) => void;
  } = {},
): Promise<Manifest> {
  const config = { ...DEFAULT_IMAGE_RATIO, ...options.config };
  const log = options.log ?? console.log;
  const base = await readModelFolder(baseDir);
  const { manifest } = base;
  const trained = manifest.training?.config as ImageConfig | undefined;
  if (manifest.kind !== "image" || !manifest.classes || !trained?.dataset) {
    throw new Error(
      `Cannot train an image estimator for '${baseDir}' as it is not a class-conditional image ` +
        "model trained here (its manifest names no dataset)",
    );
  }
  if (await setupTf("wasm") === "wasm") installWasmFixes();
  const classes = manifest.classes.length;
  const data = await (DATASETS[trained.dataset] as LabelledImageDataset).load();
  // The GAN's own split: its held-out training images decide when to stop.
  const source = labelledSource(data.train, {
    heldOut: trained.heldOut,
    seed: trained.seed,
    classes,
  });
  const generator = await loadTfjsModel(join(baseDir, "tfjs/generator"));
  const estimator = config.init !== "fresh"
    ? await loadTfjsModel(join(baseDir, "tfjs/discriminator"))
    : buildCondDiscriminator({
      classes,
      width: config.width,
      features: config.features,
      conditioning: "proj",
      seed: config.seed * 1000 + 700,
    }).model;
  if (config.init === "d-features") freezeFeatures(estimator);
  const t0 = performance.now();
  const keep = await keepTrainingD({ generator, discriminator: estimator }, source, {
    steps: config.steps,
    batch: config.batch,
    seed: config.seed,
    latentDim: manifest.latentDim,
  }, {
    lr: config.lr,
    betas: [0.5, 0.999],
    evalEvery: config.evalEvery,
    patience: config.patience,
    onProgress: options.onProgress,
    reportEvery: 50,
  });
  const seconds = (performance.now() - t0) / 1000;
  log(
    `estimator: ${keep.steps} steps in ${seconds.toFixed(0)} s, held-out BCE ` +
      `${keep.heldOutLossBefore.toFixed(4)} -> ${keep.heldOutLossAfter.toFixed(4)} (best at ` +
      `step ${keep.bestStep})`,
  );
  const float16 = trained.precision === "float16";
  if (float16) roundModelToFloat16(estimator);
  const tfjs = await tfjsModelFiles(estimator, { float16 });
  const files = await writeModelFiles(outDir, {
    ...Object.fromEntries(KEPT.filter((k) => base.files[k]).map((k) => [k, base.files[k]])),
    "discriminator.onnx": halfIf(
      float16,
      exportOnnx(estimator, {
        inputName: [GRAPH_NAMES.sample, GRAPH_NAMES.label],
        outputName: GRAPH_NAMES.logit,
        docString: "class-conditional density-ratio estimator (logit output)",
      }),
    ),
    "tfjs/discriminator/model.json": tfjs.modelJson,
    "tfjs/discriminator/weights.bin": tfjs.weights,
  });
  const backend = await openOnnxBackend({
    latentDim: manifest.latentDim,
    sampleShape: manifest.sampleShape,
    classes,
    readFile: (name) => Deno.readFile(join(outDir, files[name].path)),
  });
  try {
    const drs = await calibrateModel(backend, { latentDim: manifest.latentDim, classes }, {
      samples: config.burnIn,
      percentile: config.percentile,
    });
    log(`calibrated ${classes} classes: mean expected acceptance ${drs.expectedAcceptance}`);
    const { version: _v, createdAt: _c, metrics: _m, ...rest } = manifest;
    return await writeManifest(outDir, {
      ...rest,
      id: options.id ?? manifest.id,
      description: `${manifest.description}; D replaced by a density-ratio estimator trained ` +
        "on real training images against G samples (G frozen)",
      drs,
      files,
      training: {
        ...manifest.training!,
        ratio: { config, seconds, keepTraining: keep, base: baseDir },
      },
    });
  } finally {
    await backend.dispose();
    generator.dispose();
    estimator.dispose();
  }
}
