/**
 * Quality against cost: every sampler of the one sampling core at several settings, the samples
 * scored by the model's metrics (points: high quality, modes, mode KL; images: FD, IS, class
 * accuracy), the cost measured as G+D evaluations spent per returned sample (the `proposals` the
 * core counts), over several seeds.
 *
 * @module
 */

import {
  MAX_K,
  sample,
  type SampleRequest,
  type SamplerModel,
  type SamplerSpec,
} from "../../sampling/mod.ts";
import { MAX_PSI } from "../../shared/truncation.ts";

/** One sampler setting of a curve. */
export interface CurvePoint {
  /** How the table and the plot name it, e.g. `DRS 50%`, `MH K=8`, `truncation psi=1`. */
  label: string;
  /** Which family it belongs to (one line per family in the plot). */
  family: "raw" | "truncation" | "drs" | "calibrated drs" | "mh" | "calibrated mh";
  spec: SamplerSpec;
  /** A model other than the evaluated one (e.g. DRS on uncalibrated logits). */
  model?: SamplerModel;
}

/** The settings `--sampler all` runs. */
export function standardCurve(options: { calibrated?: SamplerModel } = {}): CurvePoint[] {
  const points: CurvePoint[] = [{ label: "raw G", family: "raw", spec: { kind: "raw" } }];
  for (const psi of [2, 1.5, 1, 0.75, 0.5]) {
    points.push({
      label: `truncation psi=${psi}`,
      family: "truncation",
      spec: { kind: "truncation", psi },
    });
  }
  for (const acceptance of [0.9, 0.7, 0.5, 0.3, 0.125]) {
    const spec: SamplerSpec = { kind: "drs", acceptance };
    points.push({ label: `DRS ${acceptance * 100}%`, family: "drs", spec });
    if (options.calibrated) {
      points.push({
        label: `calibrated DRS ${acceptance * 100}%`,
        family: "calibrated drs",
        spec,
        model: options.calibrated,
      });
    }
  }
  for (const k of [2, 4, 8, 16]) {
    points.push({ label: `MH K=${k}`, family: "mh", spec: { kind: "mh", k } });
  }
  if (options.calibrated) {
    for (const k of [4, 8, 16]) {
      points.push({
        label: `calibrated MH K=${k}`,
        family: "calibrated mh",
        spec: { kind: "mh", k },
        model: options.calibrated,
      });
    }
  }
  return points;
}

/**
 * The setting a table label names, at any value the sampler takes: `DRS 15%` (acceptance in
 * (0, 100)%), `MH K=6` (K in 2..{@linkcode MAX_K}), `truncation psi=0.8` (psi in (0,
 * {@linkcode MAX_PSI}]), `calibrated DRS 20%` (with `calibrated`). Its label is written the way the
 * table writes it (`MH K=08` -> `MH K=8`). Undefined when the label names no such setting.
 */
export function curvePoint(
  label: string,
  options: { calibrated?: SamplerModel } = {},
): CurvePoint | undefined {
  const match =
    /^(calibrated )?(?:(DRS) (\d+(?:\.\d+)?)%|(MH) K=(\d+)|(truncation) psi=(\d+(?:\.\d+)?))$/
      .exec(label.trim());
  if (!match) return undefined;
  const [, cal, drs, percent, mh, k, trunc, psi] = match;
  const model = cal ? options.calibrated : undefined;
  if (cal && (!model || trunc)) return undefined;
  const withModel = model ? { model } : {};
  if (drs) {
    const acceptance = Number(percent) / 100;
    if (!(acceptance > 0 && acceptance < 1)) return undefined;
    return {
      label: `${cal ?? ""}DRS ${Number(percent)}%`,
      family: cal ? "calibrated drs" : "drs",
      spec: { kind: "drs", acceptance },
      ...withModel,
    };
  }
  if (mh) {
    if (!(Number(k) >= 2 && Number(k) <= MAX_K)) return undefined;
    return {
      label: `${cal ?? ""}MH K=${Number(k)}`,
      family: cal ? "calibrated mh" : "mh",
      spec: { kind: "mh", k: Number(k) },
      ...withModel,
    };
  }
  if (!(Number(psi) > 0 && Number(psi) <= MAX_PSI)) return undefined;
  return {
    label: `truncation psi=${Number(psi)}`,
    family: "truncation",
    spec: { kind: "truncation", psi: Number(psi) },
  };
}

/**
 * The settings `--only` names, in the standard curve's order, then the others it names (`DRS
 * 15%`, `MH K=6`) in its own order, each once; throws naming the first label that is no setting.
 */
export function namedPoints(
  all: readonly CurvePoint[],
  labels: readonly string[],
  options: { calibrated?: SamplerModel; why?: string } = {},
): CurvePoint[] {
  const named = labels.map((label) => {
    const parsed = curvePoint(label, { calibrated: options.calibrated });
    const point = all.find((p) => p.label === (parsed?.label ?? label.trim())) ?? parsed;
    if (!point) {
      throw new RangeError(
        `Cannot evaluate as '--only' names no setting '${label}': expected labels such as ` +
          all.map((p) => `'${p.label}'`).slice(0, 6).join(", ") + ", 'DRS 15%' or 'MH K=6'" +
          (label.trim().startsWith("calibrated ") && options.why ? ` ${options.why}` : ""),
      );
    }
    return point;
  });
  const once = [...new Map(named.map((p) => [p.label, p])).values()];
  return [...all.filter((p) => once.includes(p)), ...once.filter((p) => !all.includes(p))];
}

/** One row of the curve: a setting, its mean metrics and cost over the seeds, and their spread. */
export interface CurveRow {
  label: string;
  family: CurvePoint["family"];
  spec: SamplerSpec;
  /** G+D evaluations per returned sample. */
  cost: number;
  metrics: Record<string, number>;
  /** Standard deviation of each metric over the seeds (0 with one seed). */
  spread: Record<string, number>;
  seeds: number[];
}

/** Options for {@linkcode qualityCostCurve}. */
export interface CurveOptions {
  /** Samples returned per setting and seed. */
  samples: number;
  seeds: readonly number[];
  /** Turns the samples (and their classes) into metrics. */
  score: (x: Float32Array, labels: Int32Array | undefined) => Record<string, number>;
  /** Class of every request, for a class-conditional model measured one class at a time. */
  label?: number;
  /** Called after each setting, for progress. */
  onRow?: (row: CurveRow) => void;
}

function meanAndSpread(values: number[]): [number, number] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return [mean, Math.sqrt(variance)];
}

/** Runs every setting of `points` through the sampling core and scores it. */
export async function qualityCostCurve(
  model: SamplerModel,
  points: readonly CurvePoint[],
  options: CurveOptions,
): Promise<CurveRow[]> {
  const rows: CurveRow[] = [];
  for (const point of points) {
    const runs: { cost: number; metrics: Record<string, number> }[] = [];
    for (const seed of options.seeds) {
      const request: SampleRequest = {
        seed,
        n: options.samples,
        sampler: point.spec,
        label: options.label,
      };
      const result = await sample(point.model ?? model, request, {
        budget: Infinity,
        deadlineMs: Infinity,
        yieldEveryMs: Infinity,
      });
      runs.push({
        cost: result.stats.proposals / options.samples,
        metrics: options.score(result.x, result.labels),
      });
    }
    const metrics: Record<string, number> = {}, spread: Record<string, number> = {};
    for (const key of Object.keys(runs[0].metrics)) {
      [metrics[key], spread[key]] = meanAndSpread(runs.map((r) => r.metrics[key]));
    }
    const row: CurveRow = {
      label: point.label,
      family: point.family,
      spec: point.spec,
      cost: meanAndSpread(runs.map((r) => r.cost))[0],
      metrics,
      spread,
      seeds: [...options.seeds],
    };
    rows.push(row);
    options.onRow?.(row);
  }
  return rows;
}

function fmt(value: number, spread: number, digits: number): string {
  const main = Math.abs(value) >= 1000 ? value.toFixed(0) : value.toFixed(digits);
  return spread > 0 ? `${main} ± ${spread.toFixed(digits)}` : main;
}

/** A markdown table of the curve: one row per setting, metrics as columns. */
export function curveTable(
  rows: readonly CurveRow[],
  columns: readonly { key: string; title: string; digits?: number; percent?: boolean }[],
): string {
  const head = `| sampler | G+D evaluations / sample | ${
    columns.map((c) => c.title).join(" | ")
  } |`;
  const rule = `|---|---:|${columns.map(() => "---:").join("|")}|`;
  const body = rows.map((r) => {
    const cells = columns.map((c) => {
      const scale = c.percent ? 100 : 1;
      return fmt(r.metrics[c.key] * scale, r.spread[c.key] * scale, c.digits ?? 3);
    });
    return `| ${r.label} | ${r.cost.toFixed(2)} | ${cells.join(" | ")} |`;
  });
  return [head, rule, ...body].join("\n");
}
