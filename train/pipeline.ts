/**
 * The one training pipeline, for every family:
 * data -> GAN (checkpointed, resumable, within the time budget) -> KeepTraining(D) -> export
 * (ONNX and TF.js, at the config's precision) -> calibration (per class when conditional) ->
 * evaluation through the sampling core -> report -> manifest, all written into the staging
 * folder that `publish.ts` renames into a new version. Calibration and evaluation run on the
 * exported ONNX files through the serving backend, so the manifest describes exactly what the
 * edge serves. An imported ONNX pair joins at calibration (`import/byo.ts`).
 *
 * @module
 */

import { join } from "node:path";
import { openOnnxBackend } from "../backends/onnx_node.ts";
import type { Manifest } from "../shared/manifest.ts";
import { calibrateModel } from "./calibrate.ts";
import type { TrainConfig } from "./config.ts";
import { exportModelPair, roundModelToFloat16 } from "./export/mod.ts";
import { familyOf } from "./families/mod.ts";
import { loadCheckpoint, saveCheckpoint } from "./gan/checkpoint.ts";
import type { Progress } from "./gan/keep_training.ts";
import { keepTrainingD, trainGan } from "./gan/loop.ts";
import { createGan } from "./gan/step.ts";
import { setupTf } from "./tf_setup.ts";
import { writeManifest } from "./write_manifest.ts";

/** Options for {@linkcode trainModel}. */
export interface TrainModelOptions {
  /** Model id written into the manifest. @default {config.dataset} */
  id?: string;
  /** The classifier folder of the metrics (image family). */
  classifier?: string;
  /** Folder of the GAN-phase checkpoint (resumed when its config matches). */
  checkpoint: string;
  /**
   * Skip the GAN phase: run the later stages (KeepTraining(D) on) on the checkpoint's weights.
   * @default {false}
   */
  fromCheckpoint?: boolean;
  onProgress?: (p: Progress) => void;
  /** Log lines (stage starts, timings, the metrics). @default {console.log} */
  log?: (line: string) => void;
}

/** Trains (or resumes), exports, calibrates and evaluates a model into `outDir`; returns its manifest. */
export async function trainModel(
  config: TrainConfig,
  outDir: string,
  options: TrainModelOptions,
): Promise<Manifest> {
  const log = options.log ?? console.log;
  const t0 = performance.now();
  const deadline = config.maxMinutes > 0
    ? t0 + (config.maxMinutes - config.reserveMinutes) * 60_000
    : Infinity;
  const tfBackend = await setupTf(config.backend);
  const family = await familyOf(config);
  family.setup?.(tfBackend);
  const run = await family.prepare(config, { classifier: options.classifier, log });
  try {
    const resumed = await loadCheckpoint(options.checkpoint, config, run.exportedDiscriminator);
    if (options.fromCheckpoint && !resumed) {
      throw new Error(
        `Cannot run the stages after the GAN phase as '${options.checkpoint}' holds no ` +
          "checkpoint of this config (its GAN-phase fields must match)",
      );
    }
    const gan = resumed?.gan ?? createGan(run.build(), config);
    const prior = resumed?.info.ganSeconds ?? 0;
    const steps = options.fromCheckpoint ? gan.step : config.steps;
    log(
      `training ${config.dataset} (${config.family}) on tfjs-${tfBackend}: ` +
        (resumed ? `resumed the GAN phase at step ${gan.step}, ` : "") +
        `up to ${steps} steps` +
        (config.maxMinutes > 0 ? ` or ${config.maxMinutes} min in all` : "") +
        `, batch ${config.batch}, seed ${config.seed}`,
    );
    const dims = { batch: config.batch, seed: config.seed, latentDim: config.latentDim };
    const loop = await trainGan(gan, run.source, {
      ...dims,
      steps,
      lrFinal: config.lrFinal,
      deadline,
    }, {
      onProgress: options.onProgress,
      reportEvery: 50,
      priorSeconds: prior,
      checkpointEvery: config.checkpointMinutes * 60_000,
      onCheckpoint: (g, ganSeconds) =>
        saveCheckpoint(options.checkpoint, g, { config, ganSeconds }),
    });
    const ganSeconds = prior + loop.seconds;
    log(
      `GAN phase: ${loop.steps} steps in ${loop.seconds.toFixed(0)} s ` +
        `(stopped by ${loop.stoppedBy}); ${gan.step} steps, ${ganSeconds.toFixed(0)} s in all`,
    );

    const tD = performance.now();
    const generator = run.finalGenerator(gan);
    const discriminator = gan.discriminator.model;
    const keep = await keepTrainingD({ generator, discriminator }, run.source, {
      ...dims,
      steps: config.dSteps,
    }, {
      lr: config.dLr,
      betas: [config.beta1, config.beta2],
      evalEvery: config.dEvalEvery,
      patience: config.dPatience,
      onProgress: options.onProgress,
      reportEvery: 50,
    });
    const dSeconds = (performance.now() - tD) / 1000;
    log(
      `D-only ${keep.steps} steps in ${dSeconds.toFixed(0)} s, held-out BCE ` +
        `${keep.heldOutLossBefore.toFixed(4)} -> ${keep.heldOutLossAfter.toFixed(4)}`,
    );

    // Half precision: G and D rounded, so ONNX and TF.js carry the same weights.
    const float16 = config.precision === "float16";
    if (float16) { for (const model of [generator, discriminator]) roundModelToFloat16(model); }
    const files = {
      ...await exportModelPair({ generator, discriminator }, outDir, {
        fused: config.fused,
        float16,
      }),
      ...await run.extraFiles?.(outDir),
    };
    const classes = run.classes?.length ?? 0;
    const backend = await openOnnxBackend({
      latentDim: config.latentDim,
      sampleShape: run.sampleShape,
      classes,
      readFile: (name) => {
        if (!files[name]) throw new Error(`Cannot read '${name}' as the model does not ship it`);
        return Deno.readFile(join(outDir, files[name].path));
      },
    });
    try {
      const drs = await calibrateModel(backend, { latentDim: config.latentDim, classes }, {
        samples: config.burnIn,
        percentile: config.percentile,
      });
      log(
        `calibrated ${classes ? `${classes} classes and the mix` : "the model"} (${config.burnIn}` +
          ` proposals each, gamma at the ${config.percentile}th percentile)`,
      );
      const model = { backend, latentDim: config.latentDim, sampleShape: run.sampleShape, drs };
      const evaluation = await run.evaluate({ ...model, classes }, outDir);
      for (const line of evaluation.log) log(line);
      const seconds = (performance.now() - t0) / 1000;
      return await writeManifest(outDir, {
        id: options.id ?? config.dataset,
        kind: run.kind,
        description: run.description,
        latentDim: config.latentDim,
        sampleShape: [...run.sampleShape],
        outputRange: run.outputRange,
        ...(run.classes ? { classes: [...run.classes] } : {}),
        drs,
        files: { ...files, ...evaluation.files },
        metrics: evaluation.metrics as Manifest["metrics"],
        training: {
          config: { ...config },
          steps: gan.step,
          dSteps: keep.steps,
          seconds,
          ganSeconds,
          dSeconds,
          ganStepsPerSecond: loop.steps > 0 ? loop.steps / loop.seconds : undefined,
          thisRun: { steps: loop.steps, seconds: loop.seconds, stoppedBy: loop.stoppedBy },
          seed: config.seed,
          backend: `tfjs-${tfBackend}`,
          keepTraining: keep,
          ...run.trainingRecord?.(),
        },
      });
    } finally {
      await backend.dispose();
    }
  } finally {
    run.dispose();
  }
}
