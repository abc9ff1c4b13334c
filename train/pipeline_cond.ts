/**
 * One conditional image training run into `outDir`:
 * config -> data -> GAN phase (checkpointed, resumable, within the time budget) -> the G to
 * ship (the weight average, batch-norm statistics recomputed) -> KeepTraining(D) -> export
 * (ONNX and TF.js) -> raw-G metrics (1,000 samples per class against the held-out real
 * images) -> `samples.png` and `training.json`.
 *
 * @module
 */

import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { type CondGan, createCondGan } from "./cgan.ts";
import { loadCondCheckpoint, saveCondCheckpoint } from "./cond_checkpoint.ts";
import type { CondTrainConfig } from "./config_cond.ts";
import { loadCondData } from "./data/cond_datasets.ts";
import { type LabelledSource, labelledSource } from "./data/labelled_source.ts";
import { exportModelPair, loadTfjsModel } from "./export/mod.ts";
import { keepTrainingCondD, trainCondGan, uniformClasses } from "./loop_cond.ts";
import type { Progress } from "./loop.ts";
import { buildCondDiscriminator, buildCondGenerator } from "./models_cond.ts";
import { recalibrateBatchNorm } from "./batch_norm.ts";
import { evaluateCond } from "./evaluate/run_cond.ts";
import { setupTf } from "./tf_setup.ts";
import { installWasmFixes } from "./wasm_fixes.ts";
import { normals } from "../shared/rng.ts";

/** Options for {@linkcode trainCondModel}. */
export interface CondPipelineOptions {
  /** Folder of the classifier of the metrics (TF.js). */
  classifier: string;
  /** Folder of the GAN-phase checkpoint. @default {`${outDir}/checkpoint`} */
  checkpoint?: string;
  onProgress?: (p: Progress) => void;
  /** @default {console.log} */
  log?: (line: string) => void;
}

const CLASSES = 10;

function buildGan(config: CondTrainConfig): CondGan {
  const gOptions = {
    classes: CLASSES,
    gridChannels: config.gGrid,
    convs: config.gConvs,
    outKernel: config.gOutKernel,
    embedDim: config.embedDim,
    batchNorm: config.gBatchNorm,
    seed: config.seed * 1000,
  };
  const generator = buildCondGenerator(config.latentDim, gOptions);
  const average = config.emaDecay > 0 ? buildCondGenerator(config.latentDim, gOptions) : undefined;
  average?.setWeights(generator.getWeights());
  const discriminator = buildCondDiscriminator({
    classes: CLASSES,
    width: config.dWidth,
    features: config.dFeatures,
    conditioning: config.conditioning,
    classHead: config.classHead,
    seed: config.seed * 1000 + 500,
  });
  return createCondGan({ generator, discriminator, average }, config);
}

/** The G to ship: the average when kept, with batch-norm statistics of fresh batches of 500. */
function finalGenerator(gan: CondGan, config: CondTrainConfig): tf.LayersModel {
  const G = gan.average ?? gan.generator;
  recalibrateBatchNorm(G, (k) => {
    const rows = { start: k * 500, count: 500, dim: config.latentDim, classes: CLASSES };
    const z = tf.tensor2d(normals(config.seed, rows, { stream: 40 }), [500, config.latentDim]);
    return [z, uniformClasses(config.seed, 41, rows)];
  }, config.bnBatches);
  return G;
}

/** Trains, exports and measures a conditional model; returns the `training.json` record. */
export async function trainCondModel(
  config: CondTrainConfig,
  outDir: string,
  options: CondPipelineOptions,
): Promise<Record<string, unknown>> {
  const log = options.log ?? console.log;
  const t0 = performance.now();
  const deadline = config.maxMinutes > 0
    ? t0 + (config.maxMinutes - config.reserveMinutes) * 60_000
    : Infinity;
  const tfBackend = await setupTf(config.backend);
  if (tfBackend === "wasm") installWasmFixes();
  const classifier = await loadTfjsModel(options.classifier); // fail before training
  const dataset = await loadCondData(config.dataset);
  const { train, test } = dataset;
  const data: LabelledSource = labelledSource(train, {
    heldOut: config.heldOut,
    seed: config.seed,
  });
  const checkpoint = options.checkpoint ?? join(outDir, "checkpoint");
  const resumed = await loadCondCheckpoint(checkpoint, config);
  const gan = resumed?.gan ?? buildGan(config);
  const prior = resumed?.info.ganSeconds ?? 0;
  log(
    `training ${config.dataset} (${config.conditioning}) on tfjs-${tfBackend}: ` +
      (resumed ? `resumed at step ${gan.step}, ` : "") +
      `up to ${config.steps} steps` +
      (config.maxMinutes > 0 ? ` or ${config.maxMinutes} min in all` : "") +
      `, batch ${config.batch}, seed ${config.seed}`,
  );
  const loop = await trainCondGan(gan, data, {
    steps: config.steps,
    batch: config.batch,
    seed: config.seed,
    latentDim: config.latentDim,
    lrFinal: config.lrFinal,
    deadline,
  }, {
    onProgress: options.onProgress,
    reportEvery: 50,
    priorSeconds: prior,
    checkpointEvery: config.checkpointMinutes * 60_000,
    onCheckpoint: (g, ganSeconds) => saveCondCheckpoint(checkpoint, g, { config, ganSeconds }),
  });
  const ganSeconds = prior + loop.seconds;
  log(
    `GAN phase: ${loop.steps} steps in ${loop.seconds.toFixed(0)} s ` +
      `(${(loop.steps / loop.seconds).toFixed(2)} steps/s, stopped by ${loop.stoppedBy}); ` +
      `${gan.step} steps, ${ganSeconds.toFixed(0)} s in all`,
  );
  const tFinal = performance.now();
  const G = finalGenerator(gan, config);
  const D = gan.discriminator.model;
  const keep = await keepTrainingCondD({ generator: G, discriminator: D }, data, {
    steps: config.dSteps,
    batch: config.batch,
    seed: config.seed,
    latentDim: config.latentDim,
  }, {
    lr: config.dLr,
    betas: [config.beta1, config.beta2],
    evalEvery: config.dEvalEvery,
    patience: config.dPatience,
    onProgress: options.onProgress,
  });
  const dSeconds = (performance.now() - tFinal) / 1000;
  const files = await exportModelPair({ generator: G, discriminator: D }, outDir);
  const tEval = performance.now();
  const metrics = await evaluateCond(G, {
    classifier,
    test,
    train,
    latentDim: config.latentDim,
    perClass: config.evalPerClass,
    realImages: config.evalRealImages,
    sheet: join(outDir, "samples.png"),
  });
  const evalSeconds = (performance.now() - tEval) / 1000;
  const record = {
    dataset: config.dataset,
    // The held-out rows themselves are in the dataset loader; their SHA-256 identifies them.
    split: { ...dataset.split, testRows: undefined },
    config: { ...config },
    backend: `tfjs-${tfBackend}`,
    steps: gan.step,
    ganSeconds,
    ganStepsPerSecond: gan.step / ganSeconds,
    thisRun: { steps: loop.steps, seconds: loop.seconds, stoppedBy: loop.stoppedBy },
    keepTraining: { ...keep, seconds: dSeconds },
    evalSeconds,
    seconds: (performance.now() - t0) / 1000,
    classifier: options.classifier,
    files,
    metrics,
  };
  await Deno.writeTextFile(join(outDir, "training.json"), JSON.stringify(record, null, 2) + "\n");
  for (const model of [gan.generator, gan.average, gan.discriminator.heads, classifier]) {
    model?.dispose();
  }
  gan.gOptimizer.dispose();
  gan.dOptimizer.dispose();
  return record;
}
