/**
 * One training run, start to finish:
 * config -> data -> GAN loop -> KeepTraining(D) -> export -> calibrate -> evaluate -> manifest.
 * Calibration and evaluation run on the exported ONNX model through the serving Backend, so
 * the manifest describes exactly what the edge serves.
 *
 * @module
 */

import type { TrainConfig } from "./config.ts";
import { mixture, samplePoints } from "./data/gaussians.ts";
import { pointSource } from "./data/points.ts";
import { createGan } from "./gan.ts";
import { type Progress, trainGan } from "./loop.ts";
import { buildPointDiscriminator, buildPointGenerator } from "./models.ts";
import { setupTf } from "./tf_setup.ts";
import { exportAndOpen, trainDOnly } from "./_pipeline_steps.ts";
import { calibrateBackend } from "./calibrate.ts";
import { evaluatePointModel, formatMetricsTable } from "./evaluate/run_points.ts";
import { writeManifest } from "./write_manifest.ts";
import { writePointReport } from "./report.ts";
import type { Manifest } from "../shared/manifest.ts";

function caption(m: { highQuality: number; modesCovered: number; kl: number }): string {
  return `HQ ${(m.highQuality * 100).toFixed(1)}% MODES ${m.modesCovered} KL ${m.kl.toFixed(3)}`;
}

/** Options for {@linkcode trainPointModel}. */
export interface PipelineOptions {
  /** Model id written into the manifest. @default {config.dataset} */
  id?: string;
  onProgress?: (p: Progress) => void;
  /** Log lines (stage starts, timings, the metrics table). @default {console.log} */
  log?: (line: string) => void;
}

/** Trains, exports, calibrates and evaluates a 2D model into `outDir`; returns its manifest. */
export async function trainPointModel(
  config: TrainConfig,
  outDir: string,
  options: PipelineOptions = {},
): Promise<Manifest> {
  const log = options.log ?? console.log;
  const t0 = performance.now();
  const tfBackend = await setupTf(config.backend);
  log(
    `training ${config.dataset} on tfjs-${tfBackend}: ${config.steps} GAN steps, ` +
      `up to ${config.dSteps} D-only steps, batch ${config.batch}, seed ${config.seed}`,
  );
  const mix = mixture(config.dataset);
  const data = pointSource(mix, config.seed);
  const mlp = { hidden: config.hidden, layers: config.layers };
  const generator = buildPointGenerator(config.latentDim, { ...mlp, seed: config.seed * 1000 });
  const discriminator = buildPointDiscriminator({ ...mlp, seed: config.seed * 1000 + 500 });
  const gan = createGan({ generator, discriminator }, config);
  const run = { batch: config.batch, seed: config.seed, latentDim: config.latentDim };
  const loop = { onProgress: options.onProgress, reportEvery: 50 };

  const tGan = performance.now();
  await trainGan(gan, data, { ...run, steps: config.steps, lrFinal: config.lrFinal }, loop);
  const ganSeconds = (performance.now() - tGan) / 1000;
  const { keep, seconds: dSeconds } = await trainDOnly(gan, data, { ...loop, config });
  log(
    `GAN ${ganSeconds.toFixed(0)} s (${(config.steps / ganSeconds).toFixed(1)} steps/s); ` +
      `D-only ${keep.steps} steps in ${dSeconds.toFixed(0)} s, held-out BCE ` +
      `${keep.heldOutLossBefore.toFixed(4)} -> ${keep.heldOutLossAfter.toFixed(4)}`,
  );

  const { files, backend } = await exportAndOpen({ generator, discriminator }, outDir, {
    latentDim: config.latentDim,
    sampleShape: [2],
  });
  try {
    const drs = await calibrateBackend(backend, config.latentDim, {
      samples: config.burnIn,
      percentile: config.percentile,
    });
    const evaluation = await evaluatePointModel(
      { backend, mix, latentDim: config.latentDim, sampleShape: [2], drs },
      { samples: config.evalSamples },
    );
    log(formatMetricsTable(evaluation.raw, evaluation.drs));
    const reportFile = await writePointReport(outDir, {
      real: samplePoints(mix, config.seed + 7, { start: 0, count: evaluation.samples }),
      raw: evaluation.rawPoints,
      drs: evaluation.drsPoints,
      mix,
      captions: [
        `${evaluation.samples} SAMPLES`,
        caption(evaluation.raw),
        `${caption(evaluation.drs)} ACC ${(evaluation.drs.acceptance * 100).toFixed(1)}%`,
      ],
    });
    const seconds = (performance.now() - t0) / 1000;
    return await writeManifest(outDir, {
      id: options.id ?? config.dataset,
      kind: "points2d",
      description: `MLP GAN on ${config.dataset} (R1 ${config.r1}, latent ${config.latentDim})`,
      latentDim: config.latentDim,
      sampleShape: [2],
      outputRange: [-5, 5],
      drs,
      files: { ...files, ...reportFile },
      metrics: {
        samples: evaluation.samples,
        seed: evaluation.seed,
        runtime: backend.name,
        raw: evaluation.raw,
        drs: evaluation.drs,
      },
      training: {
        config: { ...config },
        steps: config.steps,
        dSteps: keep.steps,
        seconds,
        ganSeconds,
        dSeconds,
        ganStepsPerSecond: config.steps / ganSeconds,
        seed: config.seed,
        backend: `tfjs-${tfBackend}`,
        keepTraining: keep,
      },
    });
  } finally {
    await backend.dispose();
  }
}
