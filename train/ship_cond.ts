/**
 * From a conditional training run to a shipped model folder: the trained G and D rounded to
 * half precision and exported (ONNX, TF.js), the classifier beside them, DRS calibrated per
 * class through the served runtime and the sampling core (a burn-in per class), raw G and DRS
 * evaluated per class against the held-out images, `report.png`, and the manifest.
 *
 * @module
 */

import { join } from "node:path";
import { openOnnxBackend } from "../backends/onnx_node.ts";
import { scoreProposals } from "../sampling/mod.ts";
import { calibrateDrs } from "../shared/calibration.ts";
import type { Manifest } from "../shared/manifest.ts";
import type { CondDatasetName } from "./config_cond.ts";
import { loadCondData } from "./data/cond_datasets.ts";
import {
  exportModelPair,
  fileEntry,
  loadTfjsModel,
  roundModelToFloat16,
  tfjsModelFiles,
} from "./export/mod.ts";
import {
  condReference,
  sampleEachClass,
  type SamplerScore,
  scoreClassSamples,
} from "./evaluate/cond_core.ts";
import { renderCondReport } from "./report_cond_ship.ts";
import { writeManifest } from "./write_manifest.ts";

/** Options for {@linkcode shipCondModel}. */
export interface ShipCondOptions {
  /** Model id of the manifest. */
  id: string;
  dataset: CondDatasetName;
  /** Folder of the TF.js classifier of the metrics (shipped beside the model). */
  classifier: string;
  /** Percentile of F taken as each class's gamma. @default {95} */
  percentile?: number;
  /** Burn-in proposals per class. @default {10000} */
  burnIn?: number;
  /** Evaluation samples per class. @default {1000} */
  perClass?: number;
  /** Seed of the evaluation (class c uses seed + c). @default {424242} */
  seed?: number;
  /** @default {console.log} */
  log?: (line: string) => void;
}

const BURN_IN_SEED = 0x5eed;

function flat(score: SamplerScore): Record<string, number> {
  return {
    fd: score.fd,
    inceptionScore: score.inceptionScore,
    classAccuracy: score.classAccuracy,
    classKl: score.classKl,
    cost: score.cost,
    acceptance: score.acceptance,
    logMRaises: score.logMRaises,
  };
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

/** Ships the run in `runDir` (pipeline_cond.ts's output) into `outDir`; returns its manifest. */
export async function shipCondModel(
  runDir: string,
  outDir: string,
  options: ShipCondOptions,
): Promise<Manifest> {
  const log = options.log ?? console.log;
  const t0 = performance.now();
  const training = JSON.parse(await Deno.readTextFile(join(runDir, "training.json")));
  const latentDim = training.config.latentDim as number;
  const data = await loadCondData(options.dataset);
  const labels = data.classes, classes = labels.length;
  // Half precision: half the TF.js bytes; ONNX is exported from the same rounded weights.
  const generator = await loadTfjsModel(join(runDir, "tfjs", "generator"));
  const discriminator = await loadTfjsModel(join(runDir, "tfjs", "discriminator"));
  const classifier = await loadTfjsModel(options.classifier);
  for (const model of [generator, discriminator, classifier]) roundModelToFloat16(model);
  const files = await exportModelPair({ generator, discriminator }, outDir, {
    fused: false,
    float16: true,
  });
  const saved = await tfjsModelFiles(classifier, { float16: true });
  await Deno.mkdir(join(outDir, "classifier"), { recursive: true });
  for (
    const [name, bytes] of [["model.json", saved.modelJson], [
      "weights.bin",
      saved.weights,
    ]] as const
  ) {
    await Deno.writeFile(join(outDir, "classifier", name), bytes);
    files[`classifier/${name}`] = await fileEntry(`classifier/${name}`, bytes);
  }
  generator.dispose();
  discriminator.dispose();
  const backend = await openOnnxBackend({
    latentDim,
    sampleShape: [28, 28, 1],
    classes,
    readFile: async (name) => {
      if (!files[name]) throw new Error(`Cannot read '${name}' as the model does not ship it`);
      return await Deno.readFile(join(outDir, files[name].path));
    },
  });
  try {
    // DRS constants: a burn-in per class, and one over uniformly drawn classes.
    const percentile = options.percentile ?? 95, burnIn = options.burnIn ?? 10_000;
    const shapes = { backend, latentDim, classes };
    // (D is ours: its head is the pre-sigmoid logit, so no probability-head check as for BYO.)
    const burn = async (label?: number) =>
      calibrateDrs(await scoreProposals(shapes, { seed: BURN_IN_SEED, count: burnIn, label }), {
        percentile,
      });
    const perClass = [];
    for (let c = 0; c < classes; c++) {
      const { epsilon: _e, percentile: _p, ...lane } = await burn(c);
      perClass.push(lane);
    }
    const drs = { ...await burn(), classes: perClass };
    log(
      `calibrated ${classes} classes (${burnIn} proposals each, gamma at the ${percentile}th percentile)`,
    );
    // Evaluation through the core against the held-out images.
    const { reference, held, real, testAccuracy } = condReference(classifier, data);
    const model = { ...shapes, sampleShape: [28, 28, 1], drs };
    const evalOptions = { perClass: options.perClass ?? 1000, seed: options.seed ?? 424242 };
    const rawSamples = await sampleEachClass(model, { kind: "raw" }, evalOptions);
    const drsSamples = await sampleEachClass(model, { kind: "drs" }, evalOptions);
    const context = { classifier, reference };
    const raw = scoreClassSamples(rawSamples, context);
    const drsScore = scoreClassSamples(drsSamples, context);
    const caption = (m: SamplerScore) =>
      `FD ${m.fd.toFixed(2)}  IS ${m.inceptionScore.toFixed(2)}  ACC ${
        (m.classAccuracy * 100).toFixed(1)
      }%`;
    log(
      `raw G: ${caption(raw)}; DRS: ${caption(drsScore)} at ${
        (drsScore.acceptance * 100).toFixed(1)
      }%`,
    );
    // The figure: held-out real, raw G and DRS images of each class.
    const byClass = new Float32Array(classes * 6 * 784);
    for (let c = 0; c < classes; c++) {
      let k = 0;
      for (let i = 0; i < held.labels.length && k < 6; i++) {
        if (held.labels[i] !== c) continue;
        byClass.set(held.images.subarray(i * 784, (i + 1) * 784), (c * 6 + k++) * 784);
      }
    }
    const png = renderCondReport({
      real: { images: byClass, perClass: 6 },
      raw: { images: rawSamples.images, perClass: evalOptions.perClass },
      drs: { images: drsSamples.images, perClass: evalOptions.perClass },
      classes: labels,
      captions: [
        `TRAINING IMAGES: FD ${real.fd.toFixed(2)}  ACC ${(real.classAccuracy * 100).toFixed(1)}%`,
        caption(raw),
        `${caption(drsScore)}  ${(drsScore.acceptance * 100).toFixed(0)}% ACCEPTED`,
      ],
    });
    await Deno.writeFile(join(outDir, "report.png"), png);
    files["report.png"] = await fileEntry("report.png", png);
    const seconds = training.seconds as number;
    return await writeManifest(outDir, {
      id: options.id,
      kind: "image",
      description:
        `Class-conditional DCGAN on ${options.dataset} (${training.config.conditioning} ` +
        `discriminator, latent ${latentDim}), DRS calibrated per class`,
      latentDim,
      sampleShape: [28, 28, 1],
      outputRange: [-1, 1],
      classes: [...labels],
      drs,
      files,
      metrics: {
        samples: classes * evalOptions.perClass,
        samplesPerClass: evalOptions.perClass,
        seed: evalOptions.seed,
        runtime: backend.name,
        raw: flat(raw),
        drs: flat(drsScore),
        real: {
          fd: real.fd,
          inceptionScore: real.inceptionScore,
          classAccuracy: real.classAccuracy,
        },
        perClass: labels.map((label, c) => ({
          class: label,
          raw: raw.perClass[c],
          drs: { ...drsScore.perClass[c], acceptance: drsSamples.acceptancePerClass[c] },
        })),
        referenceImages: data.test.count,
        classifier: {
          files: ["classifier/model.json", "classifier/weights.bin"],
          testAccuracy,
          testImages: data.test.count,
          precision: "float16",
          trained: await classifierRecord(options.classifier),
        },
      },
      training: {
        config: training.config,
        steps: training.steps,
        dSteps: training.keepTraining?.steps,
        seconds,
        stepsPerSecond: training.ganStepsPerSecond,
        seed: training.config.seed,
        backend: training.backend,
        split: training.split,
        shipSeconds: (performance.now() - t0) / 1000,
      },
    });
  } finally {
    await backend.dispose();
    classifier.dispose();
  }
}
