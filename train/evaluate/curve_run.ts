/**
 * The quality-cost curve of one shipped model (`deno task evaluate --sampler all`): every
 * sampler setting of {@linkcode standardCurve} through the sampling core, scored the model's way
 * (high-quality share, modes and mode KL for points; FD, IS and class accuracy on the project's
 * classifier for class-conditional images), as a table, a plot and manifest rows.
 *
 * @module
 */

import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { Manifest } from "../../shared/manifest.ts";
import type { ScoringBackend } from "../../backends/mod.ts";
import { modelOf, type SamplerModel } from "../../sampling/mod.ts";
import type { Calibrator } from "../../shared/calibrator.ts";
import { mixture, type MixtureName } from "../data/gaussians.ts";
import { DATASETS, type LabelledImageDataset } from "../data/mod.ts";
import type { LabelledDataset } from "../data/labelled.ts";
import { labelledSource } from "../data/labelled_source.ts";
import { loadTfjsModel } from "../export/mod.ts";
import { classifiedMetrics, condReference } from "./cond_core.ts";
import { curvePlot } from "./curve_plot.ts";
import {
  type CurveRow,
  curveTable,
  namedPoints,
  qualityCostCurve,
  standardCurve,
} from "./curves.ts";
import { calibratedImageModel } from "./image_calibrator.ts";
import { pointMetrics } from "./points.ts";

/** Options for {@linkcode modelCurve}. */
export interface ModelCurveOptions {
  /** Samples per setting and seed. @default {10000 for points, 5000 for images} */
  samples?: number;
  /** Seeds of the requests; the table shows mean ± spread over them. @default {[1, 2, 3]} */
  seeds?: readonly number[];
  /**
   * Also run DRS and MH on a calibrated D (class-conditional images): a calibrator fit on
   * held-out real images vs G samples. @default {true for images}
   */
  calibrate?: boolean;
  /**
   * The classifier folder of the image metrics (TF.js, with the feature layer); another one
   * than the model's judges it with features it was never tuned on. @default {DIR/classifier, else
   * its model folder's}
   */
  classifier?: string;
  /**
   * Only raw G and DRS at each acceptance target (no truncation, MH or calibration); with `only`,
   * no calibration and exactly the settings `only` names. @default {false}
   */
  quick?: boolean;
  /**
   * Only the settings with these labels (e.g. `raw G`, `calibrated MH K=8`, or at any value the
   * sampler takes: `DRS 15%`, `MH K=6`). @default {all}
   */
  only?: readonly string[];
  /** The plot's heading. @default {the manifest's id} */
  heading?: string;
  /** A label the run must include (the setting to serve): checked before any row runs. */
  require?: string;
  /** Progress, one line per setting. */
  log?: (line: string) => void;
}

/** What {@linkcode modelCurve} measured. */
export interface ModelCurve {
  rows: CurveRow[];
  /** Markdown table (README, closing notes). */
  table: string;
  /** The plot of the headline metric against cost, as PNG bytes. */
  png: Uint8Array;
  samples: number;
  /** The model of the calibrated settings (calibrator and DRS constants), when they ran. */
  calibrated?: SamplerModel;
  /** The held-out real images the calibrator was fit on, with their classes (images only). */
  held?: { images: Float32Array; labels: Uint8Array };
  /** The calibration, when calibrated settings ran. */
  calibration?: { chosen: Calibrator; used: Calibrator; check: Record<string, unknown> };
  /**
   * Images: half of the held-out images scored against the other half (the reference of every
   * row): the floor of each metric on this classifier.
   */
  real?: Record<string, number>;
}

interface Scorer {
  score: (x: Float32Array, labels: Int32Array | undefined) => Record<string, number>;
  columns: { key: string; title: string; digits?: number; percent?: boolean }[];
  plot: { metric: string; title: string; scale?: number };
  defaultSamples: number;
  /** Held-out real images with their classes (images only). */
  held?: { images: Float32Array; labels: Uint8Array };
  /** Real images scored like samples (images only). */
  real?: Record<string, number>;
  dispose(): void;
}

function pointScorer(manifest: Manifest): Scorer {
  const dataset = manifest.training?.config.dataset as MixtureName | undefined;
  if (dataset !== "grid25" && dataset !== "ring8") {
    throw new Error(`Cannot evaluate '${manifest.id}' as its manifest names no known dataset`);
  }
  const mix = mixture(dataset);
  return {
    score: (x) => {
      const { highQuality, modesCovered, kl } = pointMetrics(x, mix).metrics;
      return { highQuality, modesCovered, kl };
    },
    columns: [
      { key: "highQuality", title: "HQ %", digits: 2, percent: true },
      { key: "modesCovered", title: "modes", digits: 1 },
      { key: "kl", title: "mode KL", digits: 4 },
    ],
    plot: { metric: "highQuality", title: "HIGH QUALITY %", scale: 100 },
    defaultSamples: 10_000,
    dispose() {},
  };
}

async function imageScorer(
  dir: string,
  manifest: Manifest,
  classifierDir?: string,
): Promise<Scorer> {
  // A trained model's config names its dataset; an import evaluated on one records it.
  const dataset = manifest.training?.config.dataset ?? manifest.import?.dataset;
  if (!manifest.classes || (dataset !== "mnist" && dataset !== "fashion")) {
    throw new Error(
      `Cannot evaluate '${manifest.id}' as it is not a class-conditional mnist or fashion model`,
    );
  }
  const classifier: tf.LayersModel = await loadTfjsModel(
    classifierDir ?? await modelClassifier(dir),
  );
  const data = await (DATASETS[dataset] as LabelledImageDataset).load();
  const { reference, held: test, real } = condReference(classifier, data, { halves: true });
  // The calibrator is fit on the GAN's own held-out training images when the model records
  // them (never the test images the metrics are measured against); an import has only those.
  const trained = manifest.training?.config as { heldOut?: number; seed?: number } | undefined;
  const held = trained?.heldOut
    ? heldOutTraining(data.train, { heldOut: trained.heldOut, seed: trained.seed ?? 1 })
    : test;
  return {
    score: (x, labels) => {
      if (!labels) throw new Error("Cannot score image samples without their classes");
      const m = classifiedMetrics(x, labels, { classifier, reference });
      return {
        fd: m.fd,
        inceptionScore: m.inceptionScore,
        classAccuracy: m.classAccuracy,
        classKl: m.classKl,
      };
    },
    columns: [
      { key: "fd", title: "FD", digits: 2 },
      { key: "inceptionScore", title: "IS", digits: 2 },
      { key: "classAccuracy", title: "class acc %", digits: 2, percent: true },
      { key: "classKl", title: "class KL", digits: 5 },
    ],
    plot: { metric: "fd", title: "FD (LOWER IS BETTER)" },
    defaultSamples: 5_000,
    held,
    real: {
      fd: real.fd,
      inceptionScore: real.inceptionScore,
      classAccuracy: real.classAccuracy,
    },
    dispose: () => classifier.dispose(),
  };
}

/**
 * The classifier beside a model version: its own `classifier/`, else that of the flat version 1
 * of its model folder (a version published by `--serve` shares it rather than copying it).
 */
export async function modelClassifier(dir: string): Promise<string> {
  for (const candidate of [join(dir, "classifier"), join(dir, "..", "classifier")]) {
    if (await Deno.stat(join(candidate, "model.json")).then(() => true, () => false)) {
      return candidate;
    }
  }
  throw new Error(
    `Cannot evaluate '${dir}' as neither it nor its model folder has a classifier/: pass --classifier DIR`,
  );
}

/** Runs the standard curve on the model of folder `dir` (its manifest), opened on `backend`. */
export async function modelCurve(
  folder: { dir: string; manifest: Manifest },
  backend: ScoringBackend,
  options: ModelCurveOptions = {},
): Promise<ModelCurve> {
  const { dir, manifest } = folder;
  const model = modelOf(manifest, backend);
  const scorer = manifest.kind === "image"
    ? await imageScorer(dir, manifest, options.classifier)
    : pointScorer(manifest);
  try {
    const samples = options.samples ?? scorer.defaultSamples;
    const seeds = options.seeds ?? [1, 2, 3];
    let calibration: ModelCurve["calibration"];
    let calibrated: SamplerModel | undefined;
    // A calibrator is fit when a calibrated setting may run (not for an --only that names none).
    const named = options.only?.some((label) => label.trim().startsWith("calibrated ")) ?? true;
    if (scorer.held && named && (options.calibrate ?? !options.quick)) {
      const found = await calibratedImageModel(backend, manifest, scorer.held);
      calibrated = found.model;
      const check = { ...found.choice.scores[found.calibrator.kind]?.check };
      calibration = { chosen: found.choice.chosen, used: found.calibrator, check };
      const describe = (c: Calibrator) =>
        c.kind === "platt" ? `platt (a ${c.a.toFixed(3)}, b ${c.b.toFixed(3)})` : c.kind;
      options.log?.(
        `calibrator: ${describe(found.choice.chosen)} chosen by log loss on held-out images, ` +
          `${describe(found.calibrator)} used for the calibrated settings`,
      );
    }
    const noCalibration = scorer.held
      ? "(--quick runs no calibration)"
      : "(calibrated settings need held-out images to calibrate on)";
    const all = standardCurve({ calibrated });
    const points = options.only
      ? namedPoints(all, options.only, { calibrated, why: calibrated ? "" : noCalibration })
      : all.filter((p) => !options.quick || p.family === "raw" || p.family === "drs");
    if (options.require !== undefined && !points.some((p) => p.label === options.require)) {
      throw new RangeError(
        `Cannot serve '${options.require}' as the run has no such setting: expected one of ` +
          points.map((p) => `'${p.label}'`).join(", "),
      );
    }
    const rows = await qualityCostCurve(model, points, {
      samples,
      seeds,
      score: scorer.score,
      onRow: (row) =>
        options.log?.(
          `${row.label}: ${row.cost.toFixed(2)} evaluations/sample, ${
            scorer.columns.map((c) => `${c.title} ${row.metrics[c.key].toFixed(4)}`).join(", ")
          }`,
        ),
    });
    const png = curvePlot(rows, {
      ...scorer.plot,
      heading: (options.heading ?? manifest.id).toUpperCase(),
    });
    const table = curveTable(rows, scorer.columns);
    return {
      rows,
      table,
      png,
      samples,
      calibration,
      calibrated,
      held: scorer.held,
      real: scorer.real,
    };
  } finally {
    scorer.dispose();
  }
}

/** The images `labelledSource` holds out of `split` (the GAN never trained on them), flat. */
function heldOutTraining(
  split: LabelledDataset["train"],
  options: { heldOut: number; seed: number },
): { images: Float32Array; labels: Uint8Array } {
  const source = labelledSource(split, options);
  const { x, y } = source.heldOut(0, options.heldOut); // [n, 28, 28, 1], [n, 1]
  try {
    return { images: x.dataSync() as Float32Array, labels: Uint8Array.from(y.dataSync()) };
  } finally {
    tf.dispose([x, y]);
  }
}
