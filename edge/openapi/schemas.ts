/**
 * The bodies the API answers with, as zod schemas: `/openapi.json` documents them, the typed
 * client (`hc`) reads their types, and the handlers that build them are typed by them. They are
 * not run on answers (that would re-serialise bodies); `edge/openapi/openapi_test.ts` checks real
 * answers against the document instead. Manifest-derived parts reuse `shared/manifest.ts`.
 *
 * @module
 */

import { z } from "zod";
import {
  classDrsSchema,
  drsSchema,
  manifestSchema,
  metricsSchema,
  SAMPLER_NAMES,
} from "../../shared/manifest.ts";

/** `{"error": {"code", "message", "details"?}}`: every error answer. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string().meta({
      description: "Stable machine-readable code, e.g. `invalid_parameter`",
    }),
    message: z.string().meta({
      description: "What went wrong, naming the parameter and what it expects",
    }),
    details: z.unknown().optional().meta({
      description: "Context: the parameter, partial statistics, the versions served...",
    }),
  }),
}).meta({
  id: "Error",
  example: {
    error: {
      code: "invalid_parameter",
      message: "Cannot sample as 'n' must be an integer in 1..256: current value is '0'",
      details: { parameter: "n", expected: "an integer in 1..256" },
    },
  },
});

const nullableNumber = z.number().nullable();

/** Batch-independent statistics of one request (`sampling/stats.ts`). */
export const statsSchema = z.object({
  proposals: z.number().int().meta({
    description: "Proposals decided, up to and including the last one accepted",
  }),
  accepted: z.number().int(),
  acceptanceRate: z.number(),
  logM: nullableNumber.meta({ description: "Calibrated logM the request started from" }),
  logMFinal: nullableNumber.meta({ description: "logM after online raises" }),
  logMRaised: z.boolean(),
  logMRaises: z.number().int(),
  nonFiniteLogits: z.number().int().meta({ description: "NaN and +Inf logits rejected" }),
  gamma: nullableNumber,
  moves: z.number().int().optional().meta({
    description: "MH only: proposals that replaced a chain's state",
  }),
}).meta({ id: "SampleStats" });

/** A nested array of numbers: one sample (`[x, y]`, or rows of pixels). */
const sampleValue: z.ZodType<number | unknown[]> = z.union([z.number(), z.array(z.unknown())]);

/** The JSON answer of the sample routes. */
export const samplesSchema = z.object({
  model: z.string(),
  backend: z.string().meta({ description: "The runtime that ran G and D: `onnx` or `wasm`" }),
  seed: z.number().int(),
  n: z.number().int(),
  drs: z.boolean().meta({ description: "True when DRS decided (false for other samplers)" }),
  class: z.union([z.number().int(), z.literal("all")]).optional().meta({
    description: "The class index asked for, or `all` (`n` samples of each class, class-major)",
  }),
  sampler: z.enum(["mh", "truncation"]).optional().meta({
    description: "Samplers other than DRS and raw name themselves",
  }),
  k: z.number().int().optional(),
  psi: z.number().optional(),
  samples: z.array(sampleValue).meta({
    description: "`[x, y]` for points2d models, a nested array of the sample shape for images",
  }),
  classes: z.array(z.number().int()).optional().meta({
    description: "Class-conditional models: the class index of each sample",
  }),
  stats: statsSchema,
}).meta({ id: "Samples" });

/** One version of a model as the registry tracks it (`edge/versions/slots.ts`). */
export const versionStatusSchema = z.object({
  version: z.number().int(),
  state: z.enum(["loading", "ready", "failed", "retired"]),
  default: z.boolean().meta({ description: "The version unpinned requests get" }),
  reason: z.string().optional(),
  manifestSha256: z.string().optional(),
  backend: z.string().optional(),
}).meta({ id: "VersionStatus" });

/** What `describeModel()` says about a loaded version. */
export const modelSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  kind: manifestSchema.shape.kind,
  description: z.string().nullable(),
  latentDim: z.number().int(),
  sampleShape: manifestSchema.shape.sampleShape,
  outputRange: manifestSchema.shape.outputRange,
  classes: z.array(z.string()).optional().meta({
    description: "Labels `class=` takes, in index order (class-conditional models)",
  }),
  backend: z.string(),
  inferenceThread: z.boolean().meta({ description: "G+D run off the request thread" }),
  drs: drsSchema.omit({ fQuantiles: true, classes: true }).extend({
    classes: z.array(classDrsSchema.omit({ fQuantiles: true })).optional(),
  }),
  samplers: z.object({
    default: z.enum(SAMPLER_NAMES),
    k: z.number().int(),
    psi: z.number(),
    acceptance: z.number().optional().meta({
      description: "DRS's target acceptance when a request names neither it nor gamma",
    }),
    available: z.array(z.enum(SAMPLER_NAMES)),
  }).meta({ description: "What a request that names no sampler (or not its parameters) gets" }),
  expectedAcceptance: z.number(),
  metrics: metricsSchema.nullable(),
  manifestSha256: z.string(),
}).meta({ id: "Model" });

/** A model's default version with every version's state. */
export const modelWithVersionsSchema = modelSchema.extend({
  versions: z.array(versionStatusSchema),
}).meta({ id: "ModelWithVersions" });

/** A version that could not be loaded. */
export const loadErrorSchema = z.object({
  id: z.string(),
  version: z.number().int().optional(),
  message: z.string(),
}).meta({ id: "LoadError" });

/** `GET /v1/models`. */
export const modelListSchema = z.object({
  models: z.array(modelWithVersionsSchema),
  unavailable: z.array(loadErrorSchema),
});

/** `GET /v1/models/{id}/versions/{v}`. */
export const versionSchema = versionStatusSchema.extend({
  model: modelSchema.optional().meta({ description: "The version's description when ready" }),
});

/** `GET /healthz`. */
export const healthSchema = z.object({ status: z.literal("ok") });

/** `GET /readyz`. */
export const readySchema = z.object({
  status: z.literal("ready"),
  models: z.array(z.string()),
  errors: z.array(loadErrorSchema),
});

const versionRef = z.object({ id: z.string(), version: z.number().int() });

/** `POST /v1/admin/reload`. */
export const reloadSchema = z.object({
  loaded: z.array(versionRef),
  failed: z.array(versionRef.extend({ message: z.string() })),
  retired: z.array(versionRef),
  errors: z.array(z.object({ id: z.string(), message: z.string() })),
  models: z.array(z.object({ id: z.string(), versions: z.array(versionStatusSchema) })),
});

/** `POST /v1/sign`. */
export const signedSchema = z.object({
  url: z.url().meta({ description: "The first URL (the first seed at the first scale)" }),
  expiresAt: z.number().int().meta({ description: "Unix seconds" }),
  kid: z.string().meta({ description: "The key that signed it" }),
  version: z.number().int().meta({ description: "The model version the URL is pinned to" }),
  urls: z.array(z.object({ seed: z.number().int(), scale: z.number().int(), url: z.url() }))
    .meta({ description: "Every URL minted: each seed at each scale" }),
  srcset: z.array(z.object({ seed: z.number().int(), srcset: z.string(), html: z.string() }))
    .optional().meta({
      description: "With `srcset` scales (PNG): per seed, an `srcset` value and an `<img>` " +
        "snippet with width, height, alt, lazy loading",
    }),
});

/** `GET /demo/urls`. */
export const demoUrlsSchema = z.object({
  model: z.string(),
  acceptance: z.number(),
  label: z.number().int().optional(),
  sampler: z.enum(["drs", "mh", "truncation"]),
  k: z.number().int(),
  psi: z.number(),
  pairs: z.array(z.object({ seed: z.number().int(), raw: z.url(), drs: z.url() })),
});
