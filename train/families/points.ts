/**
 * The 2-D points family: G and D are ReLU MLPs (`_mlp.ts`), the data a generated mixture of
 * Gaussians (grid25, ring8), the metrics high-quality share, modes covered and KL against the
 * mixture, the figure real / raw G / DRS scatter plots.
 *
 * @module
 */

import type { PointsConfig, TrainConfig } from "../config.ts";
import { DATASETS, type PointsDataset } from "../data/mod.ts";
import { pointSource } from "../data/points.ts";
import { samplePoints } from "../data/gaussians.ts";
import { evaluatePointModel, formatMetricsTable } from "../evaluate/run_points.ts";
import { writePointReport } from "../evaluate/report_points.ts";
import { buildPointDiscriminator, buildPointGenerator } from "./_mlp.ts";
import type { FamilyRun, ModelFamily } from "./types.ts";

function caption(m: { highQuality: number; modesCovered: number; kl: number }): string {
  return `HQ ${(m.highQuality * 100).toFixed(1)}% MODES ${m.modesCovered} KL ${m.kl.toFixed(3)}`;
}

function preparePoints(config: PointsConfig): FamilyRun {
  const info = DATASETS[config.dataset] as PointsDataset;
  const mix = info.mixture();
  const mlp = { hidden: config.hidden, layers: config.layers };
  return {
    source: pointSource(mix, config.seed),
    kind: "points2d",
    sampleShape: info.sampleShape,
    outputRange: info.outputRange,
    description: `MLP GAN on ${config.dataset} (R1 ${config.r1}, latent ${config.latentDim})`,
    build: () => {
      const generator = buildPointGenerator(config.latentDim, { ...mlp, seed: config.seed * 1000 });
      const d = buildPointDiscriminator({ ...mlp, seed: config.seed * 1000 + 500 });
      return { generator, discriminator: { model: d, heads: d } };
    },
    exportedDiscriminator: (heads) => heads,
    finalGenerator: (gan) => gan.generator,
    async evaluate(model, outDir) {
      const evaluation = await evaluatePointModel(
        { ...model, mix },
        { samples: config.evalSamples },
      );
      const files = await writePointReport(outDir, {
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
      return {
        metrics: {
          samples: evaluation.samples,
          seed: evaluation.seed,
          runtime: model.backend.name,
          raw: evaluation.raw,
          drs: evaluation.drs,
        },
        files,
        log: [formatMetricsTable(evaluation.raw, evaluation.drs)],
      };
    },
    dispose: () => {},
  };
}

/** The points family. */
export const pointsFamily: ModelFamily = {
  name: "points",
  prepare: (config: TrainConfig) => Promise.resolve(preparePoints(config as PointsConfig)),
};
