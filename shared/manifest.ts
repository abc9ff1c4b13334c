/**
 * The manifest: what a training run hands to serving. `models/<id>/manifest.json` carries
 * everything the server needs to rebuild a model: shapes, DRS constants, file hashes, metrics
 * and the config that trained it. (train/ and edge/ also share shared/, backends/ and
 * sampling/; they never import each other.)
 *
 * @module
 */

import { z } from "zod";
import { calibratorSchema } from "./calibrator.ts";
import { latentPriorSchema } from "./latent_prior.ts";
import { MAX_K } from "./mh.ts";
import { MAX_PSI } from "./truncation.ts";
import { MODEL_FILES } from "./model_files.ts";

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

const fQuantilesSchema = z.array(finite).length(101).refine(
  (q) => q.every((v, i) => i === 0 || v >= q[i - 1]),
  "expected 101 non-decreasing values (q = 0..100)",
);

/** One class's DRS constants (class-conditional models): its own burn-in. */
export const classDrsSchema = z.object({
  logM: finite,
  gamma: finite,
  burnInSamples: positiveInt,
  expectedAcceptance: z.number().gt(0).max(1),
  fQuantiles: fQuantilesSchema,
});

/**
 * The `drs` block: constants estimated from a burn-in. A class-conditional model also carries
 * `classes`, one entry per class in class order (the top-level constants then describe a burn-in
 * over uniformly drawn classes).
 */
export const drsSchema = z.object({
  logM: finite,
  gamma: finite,
  epsilon: z.number().positive().max(1),
  percentile: z.number().min(0).max(100),
  burnInSamples: positiveInt,
  expectedAcceptance: z.number().gt(0).max(1),
  fQuantiles: fQuantilesSchema,
  classes: z.array(classDrsSchema).min(2).optional(),
});

/** The samplers a model can serve (the one sampling core runs each). */
export const SAMPLER_NAMES = ["drs", "mh", "raw", "truncation"] as const;
/** One of {@linkcode SAMPLER_NAMES}. */
export type SamplerName = typeof SAMPLER_NAMES[number];

/**
 * The `samplers` block: what a request that names no sampler (or not its parameters) gets, as
 * the evaluation recommends for this model.
 */
export const samplerDefaultsSchema = z.strictObject({
  default: z.enum(SAMPLER_NAMES).optional(),
  k: z.number().int().min(2).max(MAX_K).optional(),
  psi: z.number().gt(0).max(MAX_PSI).optional(),
  /** DRS's target acceptance when a request names neither it nor gamma. Absent: `drs.gamma`. */
  acceptance: z.number().gt(0).lt(1).optional(),
});

/**
 * The `samplers` block with its defaults filled: DRS, MH chains of 8, truncation at 1; DRS's
 * `acceptance` only when the manifest sets one (else the `drs` block's gamma decides).
 */
export function samplerDefaults(
  block: z.infer<typeof samplerDefaultsSchema> | undefined,
): { default: SamplerName; k: number; psi: number; acceptance?: number } {
  return {
    default: block?.default ?? "drs",
    k: block?.k ?? 8,
    psi: block?.psi ?? 1,
    ...(block?.acceptance !== undefined ? { acceptance: block.acceptance } : {}),
  };
}

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
  // Bounds on what a manifest may ask a server to allocate: a model is a program, and a
  // manifest from a bad folder must not reserve gigabytes per proposal.
  latentDim: positiveInt.max(65_536),
  sampleShape: z.array(positiveInt.max(65_536)).min(1).max(4).refine(
    (s) => s.reduce((a, b) => a * b, 1) <= 1 << 24,
    "expected at most 16,777,216 values per sample",
  ),
  /** Value range of generator outputs, for rendering (e.g. [-1, 1] for tanh images). */
  outputRange: z.tuple([finite, finite]),
  /**
   * Labels of a class-conditional model's classes, in index order (G and D take a `class`
   * input); absent for unconditional models.
   */
  classes: z.array(z.string().min(1).max(64)).min(2).max(1000).refine(
    (c) => new Set(c).size === c.length,
    "expected distinct labels",
  ).optional(),
  drs: drsSchema,
  files: z.record(z.string(), fileEntrySchema).refine(
    (f) => MODEL_FILES.generator in f && MODEL_FILES.discriminator in f,
    `expected at least '${MODEL_FILES.generator}' and '${MODEL_FILES.discriminator}'`,
  ),
  /**
   * Maps the discriminator's logit to a calibrated one (`shared/calibrator.ts`). Absent: the
   * logit is used as is. The `drs` block is computed on the logit the discriminator returns.
   */
  calibrator: calibratorSchema.optional(),
  /** The prior G's latents are drawn from (`shared/latent_prior.ts`). Absent: the standard normal. */
  latentPrior: latentPriorSchema.optional(),
  /**
   * How an imported pair was adapted to the serving contract (`train/import/`): the original
   * files' names and layouts, the nodes added, and warnings a user should read.
   */
  import: z.object({
    generator: z.string(),
    discriminator: z.string(),
    adapters: z.array(z.string()),
    warnings: z.array(z.string()),
    fused: z.boolean(),
  }).catchall(z.unknown()).optional(),
  /** Default sampler and parameters for requests that name none (see `samplerDefaultsSchema`). */
  samplers: samplerDefaultsSchema.optional(),
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
}).refine((m) => (m.drs.classes?.length ?? 0) === (m.classes?.length ?? 0), {
  message: "expected one 'drs.classes' entry per class of 'classes' (both or neither)",
  path: ["drs", "classes"],
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
