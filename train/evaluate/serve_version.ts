/**
 * The served default of a model, chosen from its quality-cost table and published as a new
 * version (`deno task evaluate --sampler all --serve LABEL --out DIR`): the base version's files
 * (ONNX weights stored in half precision when they are exact in it: the same outputs, half the
 * bytes), a manifest whose `samplers` block makes the chosen setting what a request that names
 * no sampler gets (with the calibrator and its DRS constants for a calibrated setting), the
 * table in `metrics.curves`, and `report.png` with real / raw / DRS with D / the served default.
 *
 * @module
 */

import type { Manifest } from "../../shared/manifest.ts";
import { drsSchema } from "../../shared/manifest.ts";
import type { SamplerModel } from "../../sampling/mod.ts";
import { modelOf } from "../../sampling/mod.ts";
import type { ScoringBackend } from "../../backends/mod.ts";
import { halfPrecisionInitializers, writeModelFiles } from "../export/mod.ts";
import { stageVersion } from "../publish.ts";
import { writeManifest } from "../write_manifest.ts";
import { sampleEachClass } from "./cond_core.ts";
import type { CurveRow } from "./curves.ts";
import type { ModelCurve } from "./curve_run.ts";
import { imagesPerClass, renderCondReport } from "./report_image.ts";

type Draft = Omit<Manifest, "version" | "createdAt">;

/**
 * `base` with `row` as its served default: the `samplers` block from the row's spec, and for a
 * row run on a calibrated D (`model`) its calibrator and the DRS constants of calibrated logits.
 */
export function servedManifest(base: Manifest, row: CurveRow, model?: SamplerModel): Draft {
  const { version: _v, createdAt: _c, samplers: _s, ...draft } = base;
  const spec = row.spec;
  const samplers: NonNullable<Manifest["samplers"]> = spec.kind === "drs"
    ? { default: "drs", ...(spec.acceptance !== undefined ? { acceptance: spec.acceptance } : {}) }
    : spec.kind === "mh"
    ? { default: "mh", k: spec.k }
    : spec.kind === "truncation"
    ? { default: "truncation", psi: spec.psi }
    : { default: "raw" };
  const calibrated = model?.calibrator && model.calibrator.kind !== "identity";
  return {
    ...draft,
    samplers,
    ...(calibrated ? { calibrator: model.calibrator, drs: drsSchema.parse(model.drs) } : {}),
  };
}

/** Options for {@linkcode publishServedVersion}. */
export interface PublishServedOptions {
  /** The model folder the version is published in (its next version). */
  out: string;
  /** Samples per class in each column of `report.png`. @default {6} */
  perClass?: number;
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

function caption(row: CurveRow | undefined): string {
  if (!row) return "";
  const m = row.metrics;
  return `FD ${m.fd.toFixed(2)}  ACC ${(m.classAccuracy * 100).toFixed(1)}%  COST ${
    row.cost.toFixed(1)
  }`;
}

/**
 * Publishes `base` with the row `label` of `curve` as its served default; returns the new
 * version's folder.
 */
export async function publishServedVersion(
  base: { dir: string; manifest: Manifest; files: Record<string, Uint8Array> },
  curve: ModelCurve & { backend: ScoringBackend },
  label: string,
  options: PublishServedOptions,
): Promise<{ version: number; dir: string; manifest: Manifest }> {
  const row = rowOf(curve, label);
  const model = row.family.startsWith("calibrated") ? curve.calibrated : undefined;
  const draft = servedManifest(base.manifest, row, model);
  const staged = await stageVersion(options.out);
  try {
    const outputs: Record<string, Uint8Array> = {};
    for (const [name, bytes] of Object.entries(base.files)) {
      if (name === "manifest.json" || name === "report.png" || name === "curves.png") continue;
      outputs[name] = name.endsWith(".onnx") ? halfPrecisionInitializers(bytes).bytes : bytes;
    }
    const files = await writeModelFiles(staged.dir, outputs);
    files["curves.png"] = (await writeModelFiles(staged.dir, { "curves.png": curve.png }))[
      "curves.png"
    ];
    if (base.manifest.kind === "image" && base.manifest.classes && curve.held) {
      const png = await servedReport(base.manifest, curve, {
        row,
        served: model ?? modelOf(base.manifest, curve.backend),
        perClass: options.perClass ?? 6,
      });
      Object.assign(files, await writeModelFiles(staged.dir, { "report.png": png }));
    }
    const manifest = await writeManifest(staged.dir, {
      ...draft,
      files,
      metrics: {
        ...draft.metrics!,
        curves: {
          samples: curve.samples,
          runtime: curve.backend.name,
          ...(curve.calibration ? { calibration: curve.calibration } : {}),
          ...(curve.real ? { real: curve.real } : {}),
          served: label,
          rows: curve.rows.map(({ label, family, spec, cost, metrics, spread, seeds }) => ({
            label,
            family,
            spec,
            cost,
            metrics,
            spread,
            seeds,
          })),
        },
      },
    });
    const published = await staged.publish();
    return { ...published, manifest };
  } catch (error) {
    await staged.discard();
    throw error;
  }
}

async function servedReport(
  manifest: Manifest,
  curve: ModelCurve & { backend: ScoringBackend },
  options: { row: CurveRow; served: SamplerModel; perClass: number },
): Promise<Uint8Array> {
  const classes = manifest.classes!.length, perClass = options.perClass;
  const base = { ...modelOf(manifest, curve.backend), classes };
  const draws = { perClass, seed: 424242 };
  const raw = await sampleEachClass(base, { kind: "raw" }, draws);
  const drs = await sampleEachClass(base, { kind: "drs" }, draws);
  const served = await sampleEachClass({ ...options.served, classes }, options.row.spec, draws);
  const rawRow = curve.rows.find((r) => r.family === "raw");
  const accepted = (100 * manifest.drs.expectedAcceptance).toFixed(0);
  return renderCondReport({
    imageShape: manifest.sampleShape,
    real: { images: imagesPerClass(curve.held!, classes, perClass), perClass },
    raw: { images: raw.images, perClass },
    drs: { images: drs.images, perClass },
    estimator: { images: served.images, perClass },
    classes: manifest.classes!,
    captions: [
      curve.real ? `NEVER TRAINED ON; FLOOR FD ${curve.real.fd.toFixed(2)}` : "NEVER TRAINED ON",
      caption(rawRow),
      `THE BASE VERSION'S DEFAULT, ABOUT ${accepted}% ACCEPTED`,
      caption(options.row),
    ],
    estimatorTitle: `SERVED: ${options.row.label.toUpperCase()}`,
  });
}
