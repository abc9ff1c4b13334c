/**
 * Judges an image estimator candidate against its base model on classifiers the estimator never
 * touched: per classifier, raw G, DRS with the base D and DRS with the estimator (each at the
 * manifest's gamma, through the serving core), scored against one half of the held-out images
 * with the other half as the floor (FD, IS, class accuracy, class KL, cost), and `report.png`
 * with real / raw / DRS with D / DRS with the estimator.
 *
 * @module
 */

import { openOnnxBackend } from "../../backends/onnx_node.ts";
import { modelOf } from "../../sampling/mod.ts";
import { withCalibrator } from "../evaluate/image_calibrator.ts";
import { DATASETS, type LabelledImageDataset } from "../data/mod.ts";
import { condReference, sampleEachClass, scoreClassSamples } from "../evaluate/cond_core.ts";
import {
  EVAL_SEED,
  FIGURE_PER_CLASS,
  gapClosed,
  imagesPerClass,
  metricsCaption,
  renderCondReport,
} from "../evaluate/report_image.ts";
import { loadTfjsModel } from "../export/mod.ts";
import type { ModelFolder } from "../model_folder.ts";

/** One classifier's scores of the samplers, and the real floor. */
export interface ImageJudgement {
  classifier: string;
  real: { fd: number; inceptionScore: number; classAccuracy: number };
  /** `raw`, then `drsWithD` and `drsWithEstimator` (at each manifest's gamma) or, per target
   * acceptance a, `drsWithD@a` and `drsWithEstimator@a`. */
  rows: Record<string, Record<string, number>>;
  /** Share of the FD gap (raw G to real) each DRS row closes. */
  gapClosed: Record<string, number>;
}

/** The folder's model on ONNX Runtime, from the bytes `readModelFolder` read and checked. */
function open(folder: ModelFolder) {
  const { manifest, files } = folder;
  return openOnnxBackend({
    latentDim: manifest.latentDim,
    sampleShape: manifest.sampleShape,
    classes: manifest.classes?.length,
    readFile: (name) => Promise.resolve(files[name]),
  });
}

/** Samples the three settings once and scores them on every classifier in `classifiers`. */
export async function judgeImageCandidate(
  base: ModelFolder,
  candidate: ModelFolder,
  options: {
    classifiers: string[];
    perClass?: number;
    report?: string;
    /** Target acceptances both DRS run at. @default {[] (each manifest's gamma)} */
    acceptances?: number[];
    /**
     * Temperatures t: DRS also runs on the estimator's ratio to the power t (its logit times t,
     * DRS constants re-estimated on it), rows `drsWithEstimator^t...`. @default {[]}
     */
    tempers?: number[];
  },
): Promise<ImageJudgement[]> {
  const perClass = options.perClass ?? 500;
  const dataset = base.manifest.training?.config.dataset as "mnist" | "fashion";
  const data = await (DATASETS[dataset] as LabelledImageDataset).load();
  const classes = base.manifest.classes!.length;
  const [baseBackend, candBackend] = [await open(base), await open(candidate)];
  try {
    const baseModel = { ...modelOf(base.manifest, baseBackend), classes };
    const candModel = { ...modelOf(candidate.manifest, candBackend), classes };
    const draws = { perClass, seed: EVAL_SEED };
    const samples: Record<string, Awaited<ReturnType<typeof sampleEachClass>>> = {
      raw: await sampleEachClass(baseModel, { kind: "raw" }, draws),
    };
    // The tempered models once each: their burn-in does not depend on the target.
    const tempered = new Map<number, typeof candModel>();
    for (const t of options.tempers ?? []) {
      const model = await withCalibrator(candBackend, candidate.manifest, {
        kind: "platt",
        a: t,
        b: 0,
      });
      tempered.set(t, { ...model, classes });
    }
    const targets = options.acceptances?.length ? options.acceptances : [undefined];
    for (const a of targets) {
      const spec = { kind: "drs" as const, ...(a === undefined ? {} : { acceptance: a }) };
      const at = a === undefined ? "" : `@${a}`;
      samples[`drsWithD${at}`] = await sampleEachClass(baseModel, spec, draws);
      samples[`drsWithEstimator${at}`] = await sampleEachClass(candModel, spec, draws);
      for (const [t, model] of tempered) {
        samples[`drsWithEstimator^${t}${at}`] = await sampleEachClass(model, spec, draws);
      }
    }
    const first = targets[0] === undefined ? "" : `@${targets[0]}`;
    const judgements: ImageJudgement[] = [];
    for (const dir of options.classifiers) {
      const classifier = await loadTfjsModel(dir);
      try {
        const { reference, real, held } = condReference(classifier, data, { halves: true });
        const rows = Object.fromEntries(
          Object.entries(samples).map(([k, s]) => {
            const m = scoreClassSamples(s, { classifier, reference });
            const { fd, inceptionScore, classAccuracy, classKl, cost, acceptance } = m;
            return [k, { fd, inceptionScore, classAccuracy, classKl, cost, acceptance }];
          }),
        );
        judgements.push({
          classifier: dir,
          real: {
            fd: real.fd,
            inceptionScore: real.inceptionScore,
            classAccuracy: real.classAccuracy,
          },
          rows,
          gapClosed: Object.fromEntries(
            Object.entries(rows).filter(([k]) => k !== "raw").map((
              [k, r],
            ) => [k, gapClosed(r.fd, { raw: rows.raw.fd, real: real.fd })]),
          ),
        });
        if (options.report && judgements.length === 1) {
          const caption = (r: Record<string, number>) => metricsCaption(r, r.cost);
          const png = renderCondReport({
            imageShape: base.manifest.sampleShape,
            real: {
              images: imagesPerClass(held, classes, FIGURE_PER_CLASS),
              perClass: FIGURE_PER_CLASS,
            },
            raw: { images: samples.raw.images, perClass },
            drs: { images: samples[`drsWithD${first}`].images, perClass },
            estimator: { images: samples[`drsWithEstimator${first}`].images, perClass },
            classes: base.manifest.classes!,
            captions: [
              `HELD-OUT HALF: FD ${real.fd.toFixed(2)}`,
              caption(rows.raw),
              caption(rows[`drsWithD${first}`]),
              caption(rows[`drsWithEstimator${first}`]),
            ],
          });
          await Deno.writeFile(options.report, png);
        }
      } finally {
        classifier.dispose();
      }
    }
    return judgements;
  } finally {
    await baseBackend.dispose();
    await candBackend.dispose();
  }
}
