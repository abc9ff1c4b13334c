/**
 * Diagnostics of a density-ratio estimator (the logit the samplers read): quality by logit
 * rank and per-class logits and masses on fresh generator samples, calibration on a balanced
 * held-out real/fake set. Plain JSON for the manifest, plus a readable table.
 *
 * Classes are whatever the labeller says: the nearest mode of a 2D mixture
 * (`pointLabels`), or a classifier's class for images; "good" is high quality.
 *
 * @module
 */

import { calibrateLogits, type Calibrator } from "../../shared/calibrator.ts";
import {
  type ClassStats,
  classStats,
  RANK_SHARES,
  rankQuality,
  type RankRow,
  type Reliability,
  reliability,
} from "./metrics.ts";

export { classStats, rankQuality, reliability } from "./metrics.ts";
export type { ClassRow, ClassStats, RankRow, Reliability, ReliabilityBin } from "./metrics.ts";

/** Class and quality labels of generator samples. */
export interface SampleLabels {
  /** Class of each sample, in 0 .. classCount - 1: `// [n]`. */
  classes: ArrayLike<number>;
  /** 1 for a good (high-quality) sample: `// [n]`. */
  good: ArrayLike<number>;
  classCount: number;
}

/** What {@linkcode diagnoseLogits} reads: raw logits of reals and of labelled G samples. */
export interface DiagnoseInput {
  /** Raw logits of held-out real samples: `// [nReal]`. */
  real: ArrayLike<number>;
  /** Raw logits of fresh generator samples: `// [nFake]`. */
  fake: ArrayLike<number>;
  /** Labels of the generator samples. */
  labels: SampleLabels;
}

/** Options for {@linkcode diagnoseLogits}. */
export interface DiagnoseOptions {
  /** Applied to every logit first. @default {{ kind: "identity" }} */
  calibrator?: Calibrator;
  /** Bins of the reliability table. @default {10} */
  bins?: number;
  /** Shares of the rank table. @default {RANK_SHARES} */
  shares?: readonly number[];
}

/** The diagnostics of one scorer (a logit, possibly calibrated). */
export interface Diagnostics {
  /** The calibrator's kind (`identity` for the raw logit). */
  calibrator: string;
  /** Generator samples scored. */
  samples: number;
  /** Good (high-quality) share by logit rank, highest first. */
  rank: RankRow[];
  /** Per-class logits and masses of good samples, raw and exp(logit)-reweighted. */
  classes: ClassStats;
  /** On min(nReal, nFake) samples of each label. */
  reliability: Reliability;
}

/** Diagnostics of the (calibrated) logits; pure. */
export function diagnoseLogits(input: DiagnoseInput, options: DiagnoseOptions = {}): Diagnostics {
  const calibrator = options.calibrator ?? { kind: "identity" };
  const real = calibrateLogits(input.real, calibrator);
  const fake = calibrateLogits(input.fake, calibrator);
  const balanced = Math.min(real.length, fake.length);
  return {
    calibrator: calibrator.kind,
    samples: fake.length,
    rank: rankQuality(fake, input.labels.good, options.shares ?? RANK_SHARES),
    classes: classStats(fake, input.labels),
    reliability: reliability(real.subarray(0, balanced), fake.subarray(0, balanced), {
      bins: options.bins,
    }),
  };
}

const pct = (v: number, digits = 2) => `${(v * 100).toFixed(digits)}%`;
const num = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

/** A readable multi-line summary of one scorer's diagnostics. */
export function formatDiagnostics(d: Diagnostics, title = "scorer"): string {
  const lines = [`## ${title} (calibrator: ${d.calibrator}; ${d.samples} G samples)`, ""];
  lines.push("| top by logit | good share | min logit |", "|---:|---:|---:|");
  for (const r of d.rank) {
    lines.push(`| ${pct(r.top, 1)} | ${pct(r.goodShare)} | ${num(r.minLogit)} |`);
  }
  const c = d.classes;
  lines.push(
    "",
    `classes: mean logit of good samples spans ${num(c.meanLogitSpread)}; KL(mass || uniform) ` +
      `raw ${num(c.klRaw, 4)}, reweighted ${num(c.klReweighted, 4)}; good share reweighted ` +
      `${pct(c.goodShareReweighted)}; effective sample share ${pct(c.effectiveSampleShare)}`,
    "",
    "| class | good | mean logit | mass raw | mass reweighted |",
    "|---:|---:|---:|---:|---:|",
  );
  for (const r of c.rows) {
    lines.push(
      `| ${r.index} | ${r.good} | ${num(r.meanLogit)} | ${pct(r.massRaw)} | ${
        pct(r.massReweighted)
      } |`,
    );
  }
  const rel = d.reliability;
  lines.push(
    "",
    `reliability (${rel.real} real + ${rel.fake} fake): ECE ${num(rel.ece, 4)}, Brier ` +
      `${num(rel.brier, 4)}, log loss ${num(rel.logLoss, 4)}, AUC ${num(rel.auc, 4)}`,
    "",
    "| predicted D | count | mean predicted | real share |",
    "|---|---:|---:|---:|",
  );
  for (const b of rel.bins) {
    lines.push(
      `| ${b.lo.toFixed(1)}-${b.hi.toFixed(1)} | ${b.count} | ${num(b.meanPredicted)} | ` +
        `${num(b.realShare)} |`,
    );
  }
  return lines.join("\n");
}
