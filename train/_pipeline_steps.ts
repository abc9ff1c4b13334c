/**
 * The steps both training pipelines (`pipeline.ts` for 2D points, `pipeline_image.ts` for
 * MNIST) take the same way: the timed D-only phase with the config's settings, and exporting
 * the pair to ONNX then opening it on ONNX Runtime for calibration and evaluation.
 *
 * @module
 */

import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import type { Backend } from "../backends/mod.ts";
import { openOnnxBackend } from "../backends/onnx_node.ts";
import type { FileEntry } from "../shared/manifest.ts";
import type { TrainConfig } from "./config.ts";
import { exportModelPair } from "./export/mod.ts";
import type { Gan } from "./gan.ts";
import { keepTrainingD, type KeepTrainingResult, type LoopOptions } from "./loop.ts";
import type { RealSource } from "./source.ts";

/** The config fields of the D-only phase. */
export type DOnlyConfig = Pick<
  TrainConfig,
  "batch" | "seed" | "latentDim" | "dSteps" | "dLr" | "dEvalEvery" | "dPatience"
>;

/** Options for {@linkcode trainDOnly}. */
export interface DOnlyOptions extends LoopOptions {
  config: DOnlyConfig;
  /** Held-out reals and fakes per check. @default {4096} */
  checkSize?: number;
}

/** KeepTraining(D) with G frozen, as the config says; returns what it did and its seconds. */
export async function trainDOnly(
  gan: Gan,
  data: RealSource,
  options: DOnlyOptions,
): Promise<{ keep: KeepTrainingResult; seconds: number }> {
  const { config, checkSize, ...loop } = options;
  const run = { batch: config.batch, seed: config.seed, latentDim: config.latentDim };
  const t0 = performance.now();
  const keep = await keepTrainingD(gan, data, { ...run, steps: config.dSteps }, {
    ...loop,
    lr: config.dLr,
    evalEvery: config.dEvalEvery,
    patience: config.dPatience,
    ...(checkSize !== undefined ? { checkSize } : {}),
  });
  return { keep, seconds: (performance.now() - t0) / 1000 };
}

/** Exports G and D to ONNX (and TF.js) in `outDir` and opens the ONNX pair. */
export async function exportAndOpen(
  models: { generator: tf.LayersModel; discriminator: tf.LayersModel },
  outDir: string,
  shape: { latentDim: number; sampleShape: number[] },
): Promise<{ files: Record<string, FileEntry>; backend: Backend }> {
  const files = await exportModelPair(models, outDir);
  const backend = await openOnnxBackend({
    ...shape,
    readFile: (name) => Deno.readFile(join(outDir, files[name].path)),
  });
  return { files, backend };
}
