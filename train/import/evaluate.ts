/**
 * The evaluation stage of the pipeline for an imported pair: with a dataset of the trainer's
 * table and its classifier, the image family's own evaluation (raw G and DRS per class through
 * the sampling core, FD, IS, class accuracy and KL against the held-out images, `report.png`),
 * and the classifier shipped beside the model as for a trained one.
 *
 * @module
 */

import type { FileEntry } from "../../shared/manifest.ts";
import { resolveConfig } from "../config.ts";
import { datasetInfo } from "../data/mod.ts";
import { familyOf } from "../families/mod.ts";
import type { CalibratedModel } from "../families/types.ts";

/** What the evaluation adds to an import's manifest. */
export interface ImportEvaluation {
  metrics:
    & { samples: number; raw: Record<string, number>; drs: Record<string, number> }
    & Record<
      string,
      unknown
    >;
  files: Record<string, FileEntry>;
  log: string[];
}

/** Evaluates the calibrated import on `options.dataset` with the classifier in `options.classifier`. */
export async function evaluateImport(
  model: CalibratedModel,
  options: { dataset: string; classifier: string; out: string; perClass?: number },
): Promise<ImportEvaluation> {
  const info = datasetInfo(options.dataset);
  if (info.family !== "cond-image") {
    throw new RangeError(
      `Cannot evaluate the import on '${options.dataset}' as only labelled image datasets ` +
        "(mnist, fashion) have a classifier",
    );
  }
  const config = resolveConfig({
    dataset: options.dataset,
    latentDim: model.latentDim,
    precision: "float32",
    ...(options.perClass ? { evalPerClass: options.perClass } : {}),
  });
  const run = await (await familyOf(config)).prepare(config, { classifier: options.classifier });
  try {
    if (model.classes !== (run.classes?.length ?? 0)) {
      throw new RangeError(
        `Cannot evaluate the import on '${options.dataset}' as it has ${model.classes} classes ` +
          `and the dataset ${run.classes?.length ?? 0}`,
      );
    }
    const extra = await run.extraFiles?.(options.out) ?? {};
    const evaluation = await run.evaluate(model, options.out);
    return {
      metrics: {
        ...evaluation.metrics,
        dataset: options.dataset,
      } as unknown as ImportEvaluation["metrics"],
      files: { ...extra, ...evaluation.files },
      log: evaluation.log,
    };
  } finally {
    run.dispose();
  }
}
