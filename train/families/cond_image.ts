/**
 * The class-conditional conv image family (MNIST, Fashion-MNIST): a DCGAN-style G with a class
 * embedding and a projection or ACGAN D (`cond_models.ts`; `--arch cond-proj|cond-acgan`),
 * trained with the average of G's weights and MSGAN's term as the config says. Measured by the
 * dataset's classifier, which ships beside the model: per class, raw G and DRS drawn through
 * the sampling core against the held-out (test) images, and `report.png` with real, raw and DRS
 * rows.
 *
 * @module
 */

import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { normals } from "../../shared/rng.ts";
import type { FileEntry } from "../../shared/manifest.ts";
import type { ImageConfig, TrainConfig } from "../config.ts";
import { DATASETS, type LabelledImageDataset, sampleSize } from "../data/mod.ts";
import type { LabelledDataset } from "../data/labelled.ts";
import { labelledSource } from "../data/labelled_source.ts";
import { fileEntry, loadTfjsModel, roundModelToFloat16, tfjsModelFiles } from "../export/mod.ts";
import {
  condReference,
  sampleEachClass,
  type SamplerScore,
  scoreClassSamples,
} from "../evaluate/cond_core.ts";
import {
  EVAL_SEED,
  FIGURE_PER_CLASS,
  imagesPerClass,
  renderCondReport,
} from "../evaluate/report_image.ts";
import { uniformClasses } from "../gan/source.ts";
import { installWasmFixes } from "../tfjs_wasm/wasm_fixes.ts";
import { recalibrateBatchNorm } from "./batch_norm.ts";
import {
  buildCondDiscriminator,
  buildCondGenerator,
  exportedDiscriminator,
} from "./cond_models.ts";
import type { CalibratedModel, FamilyRun, ModelFamily, PrepareOptions } from "./types.ts";

function flat(score: SamplerScore): Record<string, number> {
  const { fd, inceptionScore, classAccuracy, classKl, cost, acceptance, logMRaises } = score;
  return { fd, inceptionScore, classAccuracy, classKl, cost, acceptance, logMRaises };
}

/** The classifier's own record (`classifier.json` beside it: epochs, time, fp32 accuracy), if any. */
async function classifierRecord(dir: string): Promise<Record<string, unknown> | undefined> {
  try {
    const { split: _s, ...record } = JSON.parse(
      await Deno.readTextFile(join(dir, "classifier.json")),
    );
    return record;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function evaluateImages(
  config: ImageConfig,
  context: { data: LabelledDataset; classifier: tf.LayersModel; classifierDir: string },
  model: CalibratedModel,
  outDir: string,
) {
  const { data, classifier } = context, labels = data.classes, classes = labels.length;
  const imageShape = DATASETS[config.dataset].sampleShape, size = sampleSize(imageShape);
  if (sampleSize(model.sampleShape) !== size) {
    throw new RangeError(
      `Cannot evaluate samples of shape [${model.sampleShape}] on '${config.dataset}' as its ` +
        `images have shape [${imageShape}]`,
    );
  }
  const { reference, held, real, testAccuracy } = condReference(classifier, data);
  const options = { perClass: config.evalPerClass, seed: EVAL_SEED };
  const rawSamples = await sampleEachClass(model, { kind: "raw" }, options);
  const drsSamples = await sampleEachClass(model, { kind: "drs" }, options);
  const [lo, hi] = model.outputRange ?? [-1, 1];
  if (lo !== -1 || hi !== 1) {
    // The classifier reads images in [-1, 1], as the datasets give them.
    for (const set of [rawSamples.images, drsSamples.images]) {
      for (let i = 0; i < set.length; i++) set[i] = (2 * (set[i] - lo)) / (hi - lo) - 1;
    }
  }
  const raw = scoreClassSamples(rawSamples, { classifier, reference });
  const drs = scoreClassSamples(drsSamples, { classifier, reference });
  const caption = (m: SamplerScore) =>
    `FD ${m.fd.toFixed(2)}  IS ${m.inceptionScore.toFixed(2)}  ACC ${
      (m.classAccuracy * 100).toFixed(1)
    }%`;
  const png = renderCondReport({
    imageShape,
    real: { images: imagesPerClass(held, classes, FIGURE_PER_CLASS), perClass: FIGURE_PER_CLASS },
    raw: { images: rawSamples.images, perClass: options.perClass },
    drs: { images: drsSamples.images, perClass: options.perClass },
    classes: labels,
    captions: [
      `TRAINING IMAGES: FD ${real.fd.toFixed(2)}  ACC ${(real.classAccuracy * 100).toFixed(1)}%`,
      caption(raw),
      `${caption(drs)}  ${(drs.acceptance * 100).toFixed(0)}% ACCEPTED`,
    ],
  });
  await Deno.writeFile(join(outDir, "report.png"), png);
  return {
    metrics: {
      samples: classes * options.perClass,
      samplesPerClass: options.perClass,
      seed: options.seed,
      runtime: model.backend.name,
      raw: flat(raw),
      drs: flat(drs),
      real: { fd: real.fd, inceptionScore: real.inceptionScore, classAccuracy: real.classAccuracy },
      perClass: labels.map((label, c) => ({
        class: label,
        raw: raw.perClass[c],
        drs: { ...drs.perClass[c], acceptance: drsSamples.acceptancePerClass[c] },
      })),
      referenceImages: data.test.count,
      classifier: {
        files: ["classifier/model.json", "classifier/weights.bin"],
        testAccuracy,
        testImages: data.test.count,
        precision: config.precision,
        trained: await classifierRecord(context.classifierDir),
      },
    },
    files: { "report.png": await fileEntry("report.png", png) },
    log: [
      `raw G: ${caption(raw)}; DRS: ${caption(drs)} at ${(drs.acceptance * 100).toFixed(1)}%`,
    ],
  };
}

async function prepareImages(config: ImageConfig, options: PrepareOptions): Promise<FamilyRun> {
  const info = DATASETS[config.dataset] as LabelledImageDataset;
  if (options.classifier === undefined) {
    throw new Error(
      `Cannot train '${config.dataset}' without a classifier to measure it: pass --classifier ` +
        `DIR (a TF.js classifier of the dataset, e.g. models/${config.dataset}/classifier)`,
    );
  }
  const classifierDir = options.classifier;
  const classifier = await loadTfjsModel(classifierDir); // fail before training
  const data = await info.load();
  const classes = info.classes.length;
  const source = labelledSource(data.train, {
    heldOut: config.heldOut,
    seed: config.seed,
    classes,
  });
  const gOptions = {
    classes,
    gridChannels: config.gGrid,
    convs: config.gConvs,
    outKernel: config.gOutKernel,
    embedDim: config.embedDim,
    batchNorm: config.gBatchNorm,
    seed: config.seed * 1000,
  };
  return {
    source,
    classes: info.classes,
    kind: "image",
    sampleShape: info.sampleShape,
    outputRange: info.outputRange,
    description: `Class-conditional DCGAN on ${config.dataset} (${config.conditioning} ` +
      `discriminator, latent ${config.latentDim}), DRS calibrated per class`,
    build() {
      const generator = buildCondGenerator(config.latentDim, gOptions);
      const average = config.emaDecay > 0
        ? buildCondGenerator(config.latentDim, gOptions)
        : undefined;
      average?.setWeights(generator.getWeights());
      const discriminator = buildCondDiscriminator({
        classes,
        width: config.dWidth,
        features: config.dFeatures,
        conditioning: config.conditioning,
        classHead: config.classHead,
        seed: config.seed * 1000 + 500,
      });
      return { generator, discriminator, average };
    },
    exportedDiscriminator,
    finalGenerator(gan) {
      // The average when kept, with batch-norm statistics of fresh batches of 500.
      const G = gan.average ?? gan.generator;
      recalibrateBatchNorm(G, (k) => {
        const rows = { start: k * 500, count: 500, dim: config.latentDim, classes };
        const z = tf.tensor2d(normals(config.seed, rows, { stream: 40 }), [500, config.latentDim]);
        return [z, uniformClasses(config.seed, 41, rows)];
      }, config.bnBatches);
      return G;
    },
    async extraFiles(outDir) {
      // The classifier ships beside the model, at the model's precision.
      if (config.precision === "float16") roundModelToFloat16(classifier);
      const saved = await tfjsModelFiles(classifier, { float16: config.precision === "float16" });
      const files: Record<string, FileEntry> = {};
      await Deno.mkdir(join(outDir, "classifier"), { recursive: true });
      for (
        const [name, bytes] of [["model.json", saved.modelJson], ["weights.bin", saved.weights]]
      ) {
        await Deno.writeFile(join(outDir, "classifier", name as string), bytes as Uint8Array);
        files[`classifier/${name}`] = await fileEntry(`classifier/${name}`, bytes as Uint8Array);
      }
      return files;
    },
    evaluate: (model, outDir) =>
      evaluateImages(config, { data, classifier, classifierDir }, model, outDir),
    trainingRecord: () => ({ split: { ...data.split, testRows: undefined } }),
    dispose: () => classifier.dispose(),
  };
}

/** The class-conditional conv image family. */
export const condImageFamily: ModelFamily = {
  name: "cond-image",
  setup: (tfBackend) => {
    if (tfBackend === "wasm") installWasmFixes();
  },
  prepare: (config: TrainConfig, options) => prepareImages(config as ImageConfig, options),
};
