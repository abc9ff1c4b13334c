/**
 * One image training run (MNIST), mirroring train/pipeline.ts:
 * config -> data -> GAN loop (checkpointed) -> KeepTraining(D) -> export -> calibrate ->
 * evaluate -> report -> manifest. Calibration and evaluation run on the exported ONNX model
 * through the serving Backend, so the manifest describes exactly what the edge serves.
 *
 * @module
 */

import { join, resolve } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import type { ImageTrainConfig } from "./config_image.ts";
import { loadMnist, mnistSource } from "./data/mnist.ts";
import type { Progress } from "./loop.ts";
import { exportAndOpen, trainDOnly } from "./_pipeline_steps.ts";
import { disposeGan, ganPhase } from "./image_checkpoint.ts";
import { setupTf } from "./tf_setup.ts";
import { installWasmMatMulFix } from "./wasm_matmul.ts";
import { hashFiles } from "./export/mod.ts";
import { loadLayersModelFromBytes } from "../backends/tfjs_load.ts";
import { calibrateBackend } from "./calibrate.ts";
import { evaluateImageModel } from "./evaluate/run_images.ts";
import { formatImageTable, type ImageMetrics } from "./evaluate/images.ts";
import { rankProposals, writeImageReport } from "./report_image.ts";
import { writeManifest } from "./write_manifest.ts";
import type { Manifest } from "../shared/manifest.ts";

/** Options for {@linkcode trainImageModel}. */
export interface ImagePipelineOptions {
  /** Model id written into the manifest. @default {config.dataset} */
  id?: string;
  /** Folder of the GAN-phase checkpoint (resumed when its config matches). @default {undefined} */
  checkpoint?: string;
  /** Folder of the trained classifier (TF.js). @default {`${outDir}/classifier`} */
  classifier?: string;
  onProgress?: (p: Progress) => void;
  /** @default {console.log} */
  log?: (line: string) => void;
}

const CLASSIFIER_FILES = ["classifier/model.json", "classifier/weights.bin"] as const;

async function loadClassifier(dir: string): Promise<tf.LayersModel> {
  const names = { modelJson: join(dir, "model.json"), weights: join(dir, "weights.bin") };
  try {
    return await loadLayersModelFromBytes({
      modelJson: await Deno.readFile(names.modelJson),
      weights: await Deno.readFile(names.weights),
    }, names);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(
      `Cannot evaluate MNIST samples as '${names.modelJson}' is missing: train the classifier ` +
        `first with 'deno run -A train/classifier/main.ts --out ${dir}'`,
      { cause: error },
    );
  }
}

function caption(m: ImageMetrics): string {
  return `FD ${m.fd.toFixed(2)} IS ${m.inceptionScore.toFixed(2)} KL ${m.classKl.toFixed(3)}`;
}

/** Trains, exports, calibrates and evaluates an MNIST model into `outDir`; returns its manifest. */
export async function trainImageModel(
  config: ImageTrainConfig,
  outDir: string,
  options: ImagePipelineOptions = {},
): Promise<Manifest> {
  const log = options.log ?? console.log;
  const t0 = performance.now();
  const tfBackend = await setupTf(config.backend);
  if (tfBackend === "wasm") installWasmMatMulFix();
  const classifierDir = options.classifier ?? join(outDir, "classifier");
  const classifier = await loadClassifier(classifierDir); // fail before hours of training
  const [train, test] = [await loadMnist("train"), await loadMnist("test")];
  const data = mnistSource(train, { heldOut: config.heldOut, seed: config.seed });
  log(
    `training ${config.dataset} (${config.arch}) on tfjs-${tfBackend}: ${config.steps} GAN ` +
      `steps, up to ${config.dSteps} D-only steps, batch ${config.batch}, seed ${config.seed}`,
  );
  const loop = { onProgress: options.onProgress, reportEvery: 50 };
  const { gan, info, resumed } = await ganPhase(config, data, {
    checkpoint: options.checkpoint,
    ...loop,
    log,
  });
  const { keep, seconds: dSeconds } = await trainDOnly(gan, data, {
    ...loop,
    config,
    checkSize: Math.min(4096, config.heldOut),
  });
  log(
    `GAN ${info.ganSeconds.toFixed(0)} s (${info.ganStepsPerSecond.toFixed(2)} steps/s` +
      `${resumed ? ", from the checkpoint" : ""}); D-only ${keep.steps} steps in ` +
      `${dSeconds.toFixed(0)} s, held-out BCE ${keep.heldOutLossBefore.toFixed(4)} -> ` +
      `${keep.heldOutLossAfter.toFixed(4)}`,
  );
  const { files, backend } = await exportAndOpen(gan, outDir, {
    latentDim: config.latentDim,
    sampleShape: [28, 28, 1],
  });
  disposeGan(gan);
  try {
    const tCal = performance.now();
    const drs = await calibrateBackend(backend, config.latentDim, {
      samples: config.burnIn,
      percentile: config.percentile,
    });
    const evaluation = await evaluateImageModel(
      {
        backend,
        latentDim: config.latentDim,
        sampleShape: [28, 28, 1],
        drs,
        classifier,
        test,
        train,
      },
      { samples: config.evalSamples },
    );
    const evalSeconds = (performance.now() - tCal) / 1000;
    log(formatImageTable({
      "raw G": evaluation.raw,
      DRS: evaluation.drs,
      "real": evaluation.reference.real,
      "noise": evaluation.reference.noise,
    }));
    const ranked = await rankProposals(backend, { latentDim: config.latentDim, drs });
    const p = (v: number) => v.toFixed(3);
    const reportFile = await writeImageReport(outDir, {
      raw: evaluation.rawImages,
      drs: evaluation.drsImages,
      ranked,
      captions: [
        caption(evaluation.raw),
        `${caption(evaluation.drs)} ACC ${(evaluation.drs.acceptance * 100).toFixed(1)}%`,
        `P ${p(ranked.highestP[ranked.highestP.length - 1])} TO ${p(ranked.highestP[0])}`,
        `P ${p(ranked.lowestP[0])} TO ${p(ranked.lowestP[ranked.lowestP.length - 1])}`,
      ],
    });
    // The classifier ships inside the model version it evaluated (its files are hashed).
    if (resolve(classifierDir) !== resolve(outDir, "classifier")) {
      await Deno.mkdir(join(outDir, "classifier"), { recursive: true });
      for (const path of CLASSIFIER_FILES) {
        await Deno.copyFile(
          join(classifierDir, path.slice("classifier/".length)),
          join(outDir, path),
        );
      }
    }
    const classifierFiles = await hashFiles(outDir, CLASSIFIER_FILES);
    const classifierInfo = JSON.parse(
      await Deno.readTextFile(join(classifierDir, "classifier.json")).catch(() => "{}"),
    );
    const ganSeconds = info.ganSeconds;
    // A resumed run adds the checkpoint's GAN time to this process's wall time.
    const seconds = (performance.now() - t0) / 1000 + (resumed ? ganSeconds : 0);
    return await writeManifest(outDir, {
      id: options.id ?? config.dataset,
      kind: "image",
      description: `${config.arch.toUpperCase()} GAN on MNIST (G width ${config.hidden}, ` +
        `D width ${config.dWidth}, latent ${config.latentDim}, R1 ${config.r1}); an MLP ` +
        `because tfjs-wasm lacks the conv filter gradient and trains MLPs fast (README_mnist)`,
      latentDim: config.latentDim,
      sampleShape: [28, 28, 1],
      outputRange: [-1, 1],
      drs,
      files: { ...files, ...reportFile, ...classifierFiles },
      metrics: {
        samples: evaluation.samples,
        seed: evaluation.seed,
        runtime: backend.name,
        raw: { ...evaluation.raw },
        drs: { ...evaluation.drs },
        reference: {
          description: "sanity rows: real = last 10,000 training images, noise = uniform " +
            "[-1, 1]; FD is against the 10,000 test images",
          real: evaluation.reference.real,
          noise: evaluation.reference.noise,
        },
        fdImprovement: 1 - evaluation.drs.fd / evaluation.raw.fd,
        classifier: { files: CLASSIFIER_FILES, ...classifierInfo },
        evalSeconds,
      },
      training: {
        config: { ...config },
        steps: config.steps,
        dSteps: keep.steps,
        seconds,
        ganSeconds,
        dSeconds,
        ganStepsPerSecond: info.ganStepsPerSecond,
        seed: config.seed,
        backend: `tfjs-${tfBackend}`,
        keepTraining: keep,
      },
    });
  } finally {
    await backend.dispose();
    classifier.dispose();
  }
}
