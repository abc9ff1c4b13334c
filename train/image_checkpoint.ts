/**
 * The GAN phase of an image run, checkpointed: G and D after adversarial training are saved
 * as TF.js models with the config and timing that produced them, so the later stages
 * (KeepTraining(D), export, calibration, metrics) can be rerun without retraining G.
 *
 * @module
 */

import { join } from "node:path";
import type { ImageTrainConfig } from "./config_image.ts";
import { createGan, type Gan } from "./gan.ts";
import { type Progress, trainGan } from "./loop.ts";
import { buildImageDiscriminator, buildImageGenerator } from "./models_image.ts";
import type { RealSource } from "./source.ts";
import { saveTfjsModel } from "./export/tfjs.ts";
import { loadLayersModelFromBytes } from "../backends/tfjs_load.ts";

/** What `checkpoint.json` records. */
export interface CheckpointInfo {
  /** Config fields that decide the GAN phase (compared on resume). */
  key: Record<string, unknown>;
  steps: number;
  ganSeconds: number;
  ganStepsPerSecond: number;
}

const GAN_KEYS = [
  "arch",
  "seed",
  "latentDim",
  "hidden",
  "dWidth",
  "heldOut",
  "batch",
  "steps",
  "lr",
  "beta1",
  "beta2",
  "r1",
  "r1Every",
  "realLabel",
] as const;

function ganKey(config: ImageTrainConfig): Record<string, unknown> {
  return Object.fromEntries(GAN_KEYS.map((k) => [k, config[k]]));
}

/** Options for {@linkcode ganPhase}. */
export interface GanPhaseOptions {
  /** Folder of the checkpoint; reused when its config matches, written otherwise. */
  checkpoint?: string;
  onProgress?: (p: Progress) => void;
  log?: (line: string) => void;
}

async function loadCheckpoint(dir: string, config: ImageTrainConfig) {
  let info: CheckpointInfo;
  try {
    info = JSON.parse(await Deno.readTextFile(join(dir, "checkpoint.json")));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  if (JSON.stringify(info.key) !== JSON.stringify(ganKey(config))) return undefined;
  const load = async (role: string) => {
    const names = {
      modelJson: join(dir, role, "model.json"),
      weights: join(dir, role, "weights.bin"),
    };
    const files = {
      modelJson: await Deno.readFile(names.modelJson),
      weights: await Deno.readFile(names.weights),
    };
    return await loadLayersModelFromBytes(files, names);
  };
  return { info, generator: await load("generator"), discriminator: await load("discriminator") };
}

/** Trains G and D adversarially (or resumes a matching checkpoint); returns the GAN. */
export async function ganPhase(
  config: ImageTrainConfig,
  data: RealSource,
  options: GanPhaseOptions = {},
): Promise<{ gan: Gan; info: CheckpointInfo; resumed: boolean }> {
  const log = options.log ?? console.log;
  if (options.checkpoint) {
    const found = await loadCheckpoint(options.checkpoint, config);
    if (found) {
      log(`resumed the GAN phase from ${options.checkpoint} (${found.info.steps} steps)`);
      const gan = createGan(found, config);
      gan.step = found.info.steps;
      return { gan, info: found.info, resumed: true };
    }
  }
  const generator = buildImageGenerator(config.latentDim, {
    arch: config.arch,
    width: config.hidden,
    seed: config.seed * 1000,
  });
  const discriminator = buildImageDiscriminator({
    arch: config.arch,
    width: config.dWidth,
    seed: config.seed * 1000 + 500,
  });
  const gan = createGan({ generator, discriminator }, config);
  const t0 = performance.now();
  const run = { batch: config.batch, seed: config.seed, latentDim: config.latentDim };
  await trainGan(gan, data, { ...run, steps: config.steps }, {
    onProgress: options.onProgress,
    reportEvery: 50,
  });
  const ganSeconds = (performance.now() - t0) / 1000;
  const info: CheckpointInfo = {
    key: ganKey(config),
    steps: config.steps,
    ganSeconds,
    ganStepsPerSecond: config.steps / ganSeconds,
  };
  if (options.checkpoint) {
    await saveTfjsModel(generator, join(options.checkpoint, "generator"));
    await saveTfjsModel(discriminator, join(options.checkpoint, "discriminator"));
    await Deno.writeTextFile(
      join(options.checkpoint, "checkpoint.json"),
      JSON.stringify(info, null, 2) + "\n",
    );
    log(`saved the GAN phase to ${options.checkpoint}`);
  }
  return { gan, info, resumed: false };
}

/** Frees the models and optimizers of a GAN. */
export function disposeGan(gan: Gan): void {
  gan.gOptimizer.dispose();
  gan.dOptimizer.dispose();
  gan.generator.dispose();
  gan.discriminator.dispose();
}
