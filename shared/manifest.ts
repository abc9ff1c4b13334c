/**
 * The manifest: the only contract between train/ and edge/. `models/<id>/manifest.json`
 * carries everything the server needs to rebuild a model: shapes, DRS constants, file hashes,
 * metrics and the config that trained it.
 *
 * @module
 */

import { z } from "zod";
import { calibratorSchema } from "./calibrator.ts";

/** Schema version written by this code. */
export const MANIFEST_VERSION = 1;

const finite = z.number().refine(Number.isFinite, "expected a finite number");
const positiveInt = z.number().int().positive();

/** One model file: path relative to the manifest, its sha256 (hex) and size. */
export const fileEntrySchema = z.object({
  path: z.string().min(1).refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), {
    message: "expected a relative path inside the model folder",
  }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex characters"),
  bytes: z.number().int().nonnegative(),
});

/** The `drs` block: constants estimated from a burn-in. */
export const drsSchema = z.object({
  logM: finite,
  gamma: finite,
  epsilon: z.number().positive().max(1),
  percentile: z.number().min(0).max(100),
  burnInSamples: positiveInt,
  expectedAcceptance: z.number().gt(0).max(1),
  fQuantiles: z.array(finite).length(101).refine(
    (q) => q.every((v, i) => i === 0 || v >= q[i - 1]),
    "expected 101 non-decreasing values (q = 0..100)",
  ),
});

/** Metrics of one evaluation, raw G vs DRS on the same model. */
export const metricsSchema = z.object({
  samples: positiveInt,
  raw: z.record(z.string(), z.number()),
  drs: z.record(z.string(), z.number()),
}).catchall(z.unknown());

export const manifestSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "expected a lowercase slug like 'grid25'"),
  version: z.literal(MANIFEST_VERSION),
  kind: z.enum(["points2d", "image"]),
  description: z.string().optional(),
  latentDim: positiveInt,
  sampleShape: z.array(positiveInt).min(1),
  /** Value range of generator outputs, for rendering (e.g. [-1, 1] for tanh images). */
  outputRange: z.tuple([finite, finite]),
  drs: drsSchema,
  files: z.record(z.string(), fileEntrySchema).refine(
    (f) => "generator.onnx" in f && "discriminator.onnx" in f,
    "expected at least 'generator.onnx' and 'discriminator.onnx'",
  ),
  /**
   * Maps the discriminator's logit to a calibrated one (`shared/calibrator.ts`). Absent: the
   * logit is used as is. The `drs` block is computed on the logit the discriminator returns.
   */
  calibrator: calibratorSchema.optional(),
  metrics: metricsSchema.optional(),
  training: z.object({
    config: z.record(z.string(), z.unknown()),
    steps: z.number().int().nonnegative(),
    dSteps: z.number().int().nonnegative().optional(),
    seconds: z.number().nonnegative(),
    seed: z.number().int().nonnegative(),
    backend: z.string().optional(),
  }).catchall(z.unknown()).optional(),
  createdAt: z.string().optional(),
});

/** A validated manifest. */
export type Manifest = z.infer<typeof manifestSchema>;
/** One entry of {@linkcode Manifest.files}. */
export type FileEntry = z.infer<typeof fileEntrySchema>;

/** A manifest that failed validation; `field` names the first bad field (dotted path). */
export class ManifestError extends Error {
  field: string;
  constructor(message: string, field: string) {
    super(message);
    this.name = "ManifestError";
    this.field = field;
  }
}

/**
 * Validates parsed JSON as a manifest. Throws {@linkcode ManifestError} naming the field:
 * `Cannot load manifest 'models/grid25/manifest.json' as 'drs.gamma' is invalid: ...`.
 */
export function parseManifest(json: unknown, options: { source?: string } = {}): Manifest {
  const result = manifestSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.map(String).join(".") || "(root)";
  const source = options.source ? ` '${options.source}'` : "";
  throw new ManifestError(
    `Cannot load manifest${source} as '${field}' is invalid: ${issue.message}`,
    field,
  );
}

/** Parses manifest text (JSON) and validates it. */
export function parseManifestText(text: string, options: { source?: string } = {}): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const source = options.source ? ` '${options.source}'` : "";
    throw new ManifestError(
      `Cannot load manifest${source} as it is not valid JSON: ${(error as Error).message}`,
      "(root)",
    );
  }
  return parseManifest(json, options);
}
