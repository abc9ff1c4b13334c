/**
 * Resumable checkpoints of the GAN phase, one format for every family: G, D (with its class
 * head when it has one), the averaged G (TF.js format, TF.js's own IO), both Adam states, the
 * step, the GAN seconds and the config fields that decide the phase. A checkpoint is written to a fresh folder and
 * then renamed over the old one, so an interrupted save leaves the previous checkpoint whole.
 *
 * @module
 */

import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { TrainConfig } from "../config.ts";
import { loadTfjsModel, saveTfjsModel } from "../export/tfjs.ts";
import { createGan, type Gan } from "./step.ts";

/** Config fields that do not change the GAN phase's weights (everything else keys a checkpoint). */
const AFTER_GAN_FIELDS: readonly string[] = [
  "preset",
  "steps",
  "maxMinutes",
  "reserveMinutes",
  "checkpointMinutes",
  "lrFinal",
  "dSteps",
  "dLr",
  "dEvalEvery",
  "dPatience",
  "burnIn",
  "percentile",
  "evalSamples",
  "evalPerClass",
  "bnBatches",
  "precision",
  "fused",
  "backend",
];

/**
 * The fields that decide the GAN phase: a checkpoint resumes only when they match. Top-k's
 * fields count only when it is on, so checkpoints from before it existed still resume.
 */
export function ganPhaseKey(config: TrainConfig): Record<string, unknown> {
  const off = config.topK >= 1 ? ["topK", "topKEvery"] : [];
  return Object.fromEntries(
    Object.entries(config).filter(([k]) => !AFTER_GAN_FIELDS.includes(k) && !off.includes(k))
      .sort(([a], [b]) => a < b ? -1 : 1),
  );
}

/** What `checkpoint.json` records. */
export interface CheckpointInfo {
  /** The config fields that decide the GAN phase (compared on resume). */
  key: Record<string, unknown>;
  /** The whole config of the run that wrote the checkpoint. */
  config: TrainConfig;
  /** GAN steps done. */
  step: number;
  /** Seconds of GAN training behind these weights (all runs that led here). */
  ganSeconds: number;
  ganStepsPerSecond: number;
  savedAt: string;
}

async function saveOptimizer(optimizer: tf.Optimizer, file: string): Promise<void> {
  const named = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(named);
  await Deno.writeFile(`${file}.bin`, new Uint8Array(data));
  await Deno.writeTextFile(`${file}.json`, JSON.stringify(specs));
}

async function loadOptimizer(optimizer: tf.Optimizer, file: string): Promise<void> {
  const specs = JSON.parse(await Deno.readTextFile(`${file}.json`)) as tf.io.WeightsManifestEntry[];
  const bytes = await Deno.readFile(`${file}.bin`);
  const map = tf.io.decodeWeights(bytes.buffer as ArrayBuffer, specs);
  await optimizer.setWeights(specs.map((s) => ({ name: s.name, tensor: map[s.name] })));
}

/** Writes the checkpoint of `gan` into `dir` (replacing the one there). */
export async function saveCheckpoint(
  dir: string,
  gan: Gan,
  info: { config: TrainConfig; ganSeconds: number },
): Promise<void> {
  const tmp = `${dir}.saving`;
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await saveTfjsModel(gan.generator, join(tmp, "generator"));
  await saveTfjsModel(gan.discriminator.heads, join(tmp, "discriminator"));
  if (gan.average) await saveTfjsModel(gan.average, join(tmp, "average"));
  await saveOptimizer(gan.gOptimizer, join(tmp, "optimizer_g"));
  await saveOptimizer(gan.dOptimizer, join(tmp, "optimizer_d"));
  const record: CheckpointInfo = {
    key: ganPhaseKey(info.config),
    config: info.config,
    step: gan.step,
    ganSeconds: info.ganSeconds,
    ganStepsPerSecond: gan.step / info.ganSeconds,
    savedAt: new Date().toISOString(),
  };
  await Deno.writeTextFile(join(tmp, "checkpoint.json"), JSON.stringify(record, null, 2) + "\n");
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.rename(tmp, dir);
}

/**
 * The GAN of the checkpoint in `dir`, or undefined when there is none or its key differs;
 * `exported` makes D's exported view from its trained heads (the family's).
 */
export async function loadCheckpoint(
  dir: string,
  config: TrainConfig,
  exported: (heads: tf.LayersModel) => tf.LayersModel,
): Promise<{ gan: Gan; info: CheckpointInfo } | undefined> {
  let info: CheckpointInfo;
  try {
    info = JSON.parse(await Deno.readTextFile(join(dir, "checkpoint.json")));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  if (JSON.stringify(info.key) !== JSON.stringify(ganPhaseKey(config))) return undefined;
  const heads = await loadTfjsModel(join(dir, "discriminator"));
  const gan = createGan({
    generator: await loadTfjsModel(join(dir, "generator")),
    discriminator: { heads, model: exported(heads) },
    average: config.emaDecay > 0 ? await loadTfjsModel(join(dir, "average")) : undefined,
  }, config);
  await loadOptimizer(gan.gOptimizer, join(dir, "optimizer_g"));
  await loadOptimizer(gan.dOptimizer, join(dir, "optimizer_d"));
  gan.step = info.step;
  return { gan, info };
}
