/**
 * The served default of a model, chosen from its quality-cost table and published as a new
 * version (`deno task evaluate --sampler all --serve LABEL --out DIR`): the base version's files
 * (ONNX weights stored in half precision when they are exact in it: the same outputs, half the
 * bytes), a manifest whose `samplers` block makes the chosen setting what a request that names
 * no sampler gets (with the calibrator and its DRS constants for a calibrated setting), the
 * table in `metrics.curves`, and for class-conditional images `report.png` with real / raw /
 * DRS with D / the served default.
 *
 * @module
 */

import { basename, join, resolve } from "node:path";
import type { Manifest } from "../../shared/manifest.ts";
import { drsSchema } from "../../shared/manifest.ts";
import type { SamplerModel } from "../../sampling/mod.ts";
import { modelOf } from "../../sampling/mod.ts";
import type { ScoringBackend } from "../../backends/mod.ts";
import { halfPrecisionInitializers, writeModelFiles } from "../export/mod.ts";
import { writeVersion } from "../publish.ts";
import { type ManifestDraft, writeManifest } from "../write_manifest.ts";
import { sampleEachClass } from "./cond_core.ts";
import type { CurveRow } from "./curves.ts";
import type { ModelCurve } from "./curve_run.ts";
import {
  EVAL_SEED,
  FIGURE_PER_CLASS,
  imagesPerClass,
  metricsCaption,
  renderCondReport,
} from "./report_image.ts";

/**
 * `base` with `row` as its served default: the `samplers` block from the row's spec; for a row
 * run on another model (`model`: a calibrated D) its calibrator and DRS constants.
 */
export function servedManifest(base: Manifest, row: CurveRow, model?: SamplerModel): ManifestDraft {
  const { version: _v, createdAt: _c, samplers: _s, calibrator, ...draft } = base;
  const spec = row.spec;
  const samplers: NonNullable<Manifest["samplers"]> = spec.kind === "drs"
    ? { default: "drs", ...(spec.acceptance !== undefined ? { acceptance: spec.acceptance } : {}) }
    : spec.kind === "mh"
    ? { default: "mh", k: spec.k }
    : spec.kind === "truncation"
    ? { default: "truncation", psi: spec.psi }
    : { default: "raw" };
  if (!model) return { ...draft, ...(calibrator ? { calibrator } : {}), samplers };
  const used = model.calibrator && model.calibrator.kind !== "identity"
    ? model.calibrator
    : undefined;
  return {
    ...draft,
    ...(used ? { calibrator: used } : {}),
    drs: drsSchema.parse(model.drs),
    samplers,
  };
}

/** The `metrics.curves` block of a table (what `--write` and `--serve` store). */
export function curvesMetrics(
  curve: ModelCurve,
  runtime: string,
  served?: string,
): Record<string, unknown> {
  return {
    samples: curve.samples,
    runtime,
    ...(curve.calibration ? { calibration: curve.calibration } : {}),
    ...(curve.real ? { real: curve.real } : {}),
    ...(served ? { served } : {}),
    rows: curve.rows.map(({ label, family, spec, cost, metrics, spread, seeds }) => ({
      label,
      family,
      spec,
      cost,
      metrics,
      spread,
      seeds,
    })),
  };
}

/** The row of the table labelled `label`; throws naming the labels there are. */
export function rowOf(curve: Pick<ModelCurve, "rows">, label: string): CurveRow {
  const row = curve.rows.find((r) => r.label === label);
  if (row) return row;
  throw new RangeError(
    `Cannot serve '${label}' as the table has no such row: expected one of ` +
      curve.rows.map((r) => `'${r.label}'`).join(", "),
  );
}

/** Files a served version re-makes rather than copies. */
const REMADE = new Set(["curves.png"]);
/**
 * Evaluation files a served version leaves out when its model folder already has them (the
 * classifier: `evaluate` reads the model folder's when a version has none).
 */
const SHARED = "classifier/";

/**
 * Publishes `base` with the row `label` of `curve` as its served default, as the next version
 * of the model folder `out` (its folder name is the manifest's id); returns the new version.
 */
export async function publishServedVersion(
  base: { manifest: Manifest; files: Record<string, Uint8Array> },
  curve: ModelCurve & { backend: ScoringBackend },
  options: { label: string; out: string },
): Promise<{ version: number; dir: string; manifest: Manifest }> {
  const row = rowOf(curve, options.label);
  const model = row.family.startsWith("calibrated") ? curve.calibrated : undefined;
  const draft = servedManifest(base.manifest, row, model);
  const image = base.manifest.kind === "image" && base.manifest.classes && curve.held;
  const shared = await sharedFiles(base.files, options.out);
  const { result, version, dir } = await writeVersion(options.out, async (staging) => {
    const outputs: Record<string, Uint8Array> = { "curves.png": curve.png };
    for (const [name, bytes] of Object.entries(base.files)) {
      if (REMADE.has(name) || shared.has(name) || (image && name === "report.png")) continue;
      outputs[name] = name.endsWith(".onnx") ? halfPrecisionInitializers(bytes).bytes : bytes;
    }
    if (image) {
      outputs["report.png"] = await servedReport(base.manifest, curve, {
        row,
        served: model ?? modelOf(base.manifest, curve.backend),
      });
    }
    const rawRow = curve.rows.find((r) => r.family === "raw");
    return await writeManifest(staging, {
      ...draft,
      id: basename(resolve(options.out)),
      description: `${draft.description ? `${draft.description}; ` : ""}served by default: ` +
        `${options.label}, chosen from the quality-cost table (metrics.curves)`,
      files: await writeModelFiles(staging, outputs),
      metrics: {
        // A base without metrics (an import) gets raw G and the served row as its pair.
        ...(draft.metrics ??
          { samples: curve.samples, raw: rawRow?.metrics ?? {}, drs: row.metrics }),
        curves: curvesMetrics(curve, curve.backend.name, options.label),
      },
    });
  });
  return { version, dir, manifest: result };
}

/** The base's classifier files the model folder `out` already holds, byte for byte. */
async function sharedFiles(files: Record<string, Uint8Array>, out: string): Promise<Set<string>> {
  const names = Object.keys(files).filter((n) => n.startsWith(SHARED));
  for (const name of names) {
    const there = await Deno.readFile(join(out, name)).catch(() => undefined);
    if (
      !there || there.length !== files[name].length || there.some((b, i) => b !== files[name][i])
    ) {
      return new Set();
    }
  }
  return new Set(names);
}

async function servedReport(
  manifest: Manifest,
  curve: ModelCurve & { backend: ScoringBackend },
  options: { row: CurveRow; served: SamplerModel },
): Promise<Uint8Array> {
  const classes = manifest.classes!.length, perClass = FIGURE_PER_CLASS;
  const base = { ...modelOf(manifest, curve.backend), classes };
  const draws = { perClass, seed: EVAL_SEED };
  const raw = await sampleEachClass(base, { kind: "raw" }, draws);
  const drs = await sampleEachClass(base, { kind: "drs" }, draws);
  const served = await sampleEachClass({ ...options.served, classes }, options.row.spec, draws);
  const rawRow = curve.rows.find((r) => r.family === "raw");
  return renderCondReport({
    imageShape: manifest.sampleShape,
    real: { images: imagesPerClass(curve.held!, classes, perClass), perClass },
    raw: { images: raw.images, perClass },
    drs: { images: drs.images, perClass },
    estimator: { images: served.images, perClass },
    classes: manifest.classes!,
    captions: [
      curve.real ? `NEVER TRAINED ON; FLOOR FD ${curve.real.fd.toFixed(2)}` : "NEVER TRAINED ON",
      rawRow ? metricsCaption(rawRow.metrics, rawRow.cost) : "",
      `AT ITS OWN GAMMA, ABOUT ${(100 * manifest.drs.expectedAcceptance).toFixed(0)}% ACCEPTED`,
      metricsCaption(options.row.metrics, options.row.cost),
    ],
    estimatorTitle: `SERVED: ${options.row.label.toUpperCase()}`,
  });
}
