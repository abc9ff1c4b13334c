/**
 * Raw G vs DRS on the same 2D model: samples through a Backend, metrics, and a table.
 *
 * @module
 */

import type { Mixture } from "../data/gaussians.ts";
import { collectSamples, type EvaluatedModel } from "./collect.ts";
import { type PointMetrics, pointMetrics } from "./points.ts";

/** The manifest's metrics block for a 2D model, plus the samples for figures. */
export interface PointEvaluation {
  samples: number;
  seed: number;
  raw: PointMetrics;
  drs: PointMetrics & { acceptance: number; logMRaises: number };
  rawPoints: Float32Array;
  drsPoints: Float32Array;
}

/** Options for {@linkcode evaluatePointModel}. */
export interface EvaluatePointOptions {
  /** Samples of each kind. @default {10000} */
  samples?: number;
  /** Seed of the evaluation run (kept apart from burn-in and serving seeds). @default {424242} */
  seed?: number;
}

/**
 * Evaluates raw G and DRS (constants from the manifest) on `samples` samples each, through the
 * sampling core: the DRS figures are the `stats` a served request with the same seed and n gets.
 */
export async function evaluatePointModel(
  model: EvaluatedModel & { mix: Mixture },
  options: EvaluatePointOptions = {},
): Promise<PointEvaluation> {
  const samples = options.samples ?? 10_000;
  const seed = options.seed ?? 424242;
  const raw = await collectSamples(model, samples, { seed, sampler: { kind: "raw" } });
  const drs = await collectSamples(model, samples, { seed });
  return {
    samples,
    seed,
    raw: pointMetrics(raw.x, model.mix).metrics,
    drs: {
      ...pointMetrics(drs.x, model.mix).metrics,
      acceptance: drs.stats.acceptanceRate,
      logMRaises: drs.stats.logMRaises,
    },
    rawPoints: raw.x,
    drsPoints: drs.x,
  };
}

/** A plain-text table of raw vs DRS metrics. */
export function formatMetricsTable(
  raw: Record<string, number>,
  drs: Record<string, number>,
): string {
  const keys = [...new Set([...Object.keys(raw), ...Object.keys(drs)])];
  const fmt = (v: number | undefined) =>
    v === undefined ? "-" : Number.isInteger(v) ? String(v) : v.toFixed(4);
  const rows = keys.map((k) =>
    `| ${k.padEnd(12)} | ${fmt(raw[k]).padStart(10)} | ${fmt(drs[k]).padStart(10)} |`
  );
  return [
    `| ${"metric".padEnd(12)} | ${"raw G".padStart(10)} | ${"DRS".padStart(10)} |`,
    `|${"-".repeat(14)}|${"-".repeat(12)}|${"-".repeat(12)}|`,
    ...rows,
  ].join("\n");
}
