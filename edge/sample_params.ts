/**
 * The query parameters of the sample routes, one entry each: the value as a zod schema, how its
 * query-string text becomes that value, what it expects (the error message), its description
 * and the sampler it belongs to. Everything else reads this table: validation
 * (`parseSampleQuery()` in `query.ts`), the OpenAPI document (`/openapi.json`), the typed client
 * (`hc`) and the body of `POST /v1/sign`. Adding a parameter is adding an entry here.
 *
 * @module
 */

import { z } from "zod";
import { SAMPLER_NAMES, type SamplerName } from "../shared/manifest.ts";
import { MAX_MODEL_VERSION } from "../shared/model_versions.ts";
import { MAX_K } from "../shared/mh.ts";
import { MAX_PSI } from "../shared/truncation.ts";

/** Largest `n` per request. */
export const MAX_N = 256;

/** One query parameter. */
export interface SampleParamSpec<V extends z.ZodType = z.ZodType> {
  /** The value (a JSON type: what `/openapi.json` documents and `POST /v1/sign` takes). */
  value: V;
  /** The query-string text to the value (checked by {@linkcode SampleParamSpec.value} after). */
  text: z.ZodType<unknown, string>;
  /** What a valid value is, in the error message: `'n' must be <expected>`. */
  expected: string;
  /** What it does (the reference page shows it). */
  description: string;
  /** The sampler it tunes: refused with any other one. @default {undefined} (every sampler) */
  sampler?: SamplerName;
}

/** Unsigned decimal integers (at most 10 digits, so no precision is lost). */
const INTEGER = z.string().regex(/^[0-9]{1,10}$/).transform(Number);
/** Decimal numbers (`1`, `-1.5`, `.5`, `2e-3`); infinite ones fail the value check. */
const DECIMAL = z.string().regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/).transform(Number);
const AS_IS = z.string();

function param<V extends z.ZodType>(spec: SampleParamSpec<V>): SampleParamSpec<V> {
  return spec;
}

/** Every sample parameter, in the order the reference page lists them. */
export const SAMPLE_PARAMS = {
  n: param({
    value: z.number().int().min(1).max(MAX_N),
    text: INTEGER,
    expected: `an integer in 1..${MAX_N}`,
    description: "How many samples.",
  }),
  seed: param({
    value: z.number().int().min(0).max(0xffffffff),
    text: INTEGER,
    expected: "a uint32 (an integer in 0..4294967295)",
    description: "Seed of the counter-based RNG: the same seed and options give the same bytes " +
      "(and a cacheable answer). Random when absent, echoed in the body and `X-DRS-Seed`.",
  }),
  format: param({
    value: z.enum(["json", "png"]),
    text: AS_IS,
    expected: "'json' or 'png'",
    description: "`json` (samples and statistics) or `png` (a scatter plot or an image grid).",
  }),
  drs: param({
    value: z.boolean(),
    text: z.enum(["true", "false"]).transform((v) => v === "true"),
    expected: "'true' or 'false'",
    description: "`false`: raw generator samples, for comparison (the same as `sampler=raw`).",
  }),
  sampler: param({
    value: z.enum(SAMPLER_NAMES),
    text: AS_IS,
    expected: `one of ${SAMPLER_NAMES.join(", ")}`,
    description: "Discriminator rejection sampling (`drs`), Metropolis-Hastings (`mh`), " +
      "truncated latents (`truncation`) or raw generator samples (`raw`). The model's default " +
      "when absent (`samplers` in `GET /v1/models/{id}`).",
  }),
  k: param({
    value: z.number().int().min(2).max(MAX_K),
    text: INTEGER,
    expected: `an integer in 2..${MAX_K} (proposals per sample)`,
    description: "Proposals per returned sample: the length of each MH chain.",
    sampler: "mh",
  }),
  psi: param({
    value: z.number().gt(0).max(MAX_PSI),
    text: DECIMAL,
    expected: `a number in (0, ${MAX_PSI}]`,
    description: "Truncation threshold: latent coordinates beyond it are redrawn.",
    sampler: "truncation",
  }),
  gamma: param({
    value: z.number(),
    text: DECIMAL,
    expected: "a finite number",
    description: "DRS gamma, overriding the manifest's: higher keeps fewer, better samples. " +
      "Exclusive with `acceptance`.",
    sampler: "drs",
  }),
  acceptance: param({
    value: z.number().gt(0).lt(1),
    text: DECIMAL,
    expected: "a number strictly between 0 and 1",
    description: "Target DRS acceptance rate, mapped to gamma through the manifest's F quantile " +
      "table. Exclusive with `gamma`.",
    sampler: "drs",
  }),
  scale: param({
    value: z.number().int().min(1).max(8),
    text: INTEGER,
    expected: "an integer in 1..8",
    description: "PNG pixel multiplier (nearest neighbour); a grid may hold at most 2048 x 1024 " +
      "pixels.",
  }),
  class: param({
    // No control characters; written without flags so the pattern is valid JSON Schema too.
    // deno-lint-ignore no-control-regex
    value: z.string().min(1).max(64).regex(/^[^\x00-\x1f\x7f-\x9f]+$/),
    text: AS_IS,
    expected: "a class index or label (see GET /v1/models/:id), or 'all'",
    description: "Class-conditional models: a class index or label (any case) of the model's " +
      "`classes`, or `all`: `n` samples of every class, class-major (the PNG has one row per " +
      "class; n times the number of classes at most 256).",
  }),
  v: param({
    value: z.number().int().min(1).max(MAX_MODEL_VERSION),
    text: z.string().regex(/^[1-9][0-9]{0,8}$/).transform(Number),
    expected: "a model version (an integer in 1..999999999, no leading zeros)",
    description: "The model version a signed URL is pinned to (signed URLs only).",
  }),
} as const;

/** Names of the sample parameters. */
export type SampleParam = keyof typeof SAMPLE_PARAMS;

/** Every parameter's value as a JSON type (numbers, booleans, enums). */
export type SampleParamValues = {
  [K in SampleParam]: z.output<(typeof SAMPLE_PARAMS)[K]["value"]>;
};

/** Which parameters a route takes (the same options validate and document it). */
export interface SampleParamsOptions {
  /** Parameters that are not allowed here (e.g. `format` on a signed `.png` path). @default {[]} */
  forbid?: readonly SampleParam[];
  /** Parameters that must be present (e.g. `seed` on signed URLs). @default {[]} */
  require?: readonly SampleParam[];
  /** Parameters skipped entirely (the signature's `exp`, `kid`, `sig`). @default {[]} */
  ignore?: readonly string[];
}

/** The parameters of a route, in table order. */
export function sampleParamNames(options: SampleParamsOptions = {}): SampleParam[] {
  const forbid = new Set<string>(options.forbid ?? []);
  return (Object.keys(SAMPLE_PARAMS) as SampleParam[]).filter((k) => !forbid.has(k));
}

/** Text to value for each parameter (the one validation, built once). */
export const SAMPLE_PARAM_PARSERS: Readonly<Record<SampleParam, z.ZodType<unknown, string>>> =
  (() => {
    const out = {} as Record<SampleParam, z.ZodType<unknown, string>>;
    for (const key of Object.keys(SAMPLE_PARAMS) as SampleParam[]) {
      const spec: SampleParamSpec = SAMPLE_PARAMS[key];
      out[key] = spec.text.pipe(spec.value as z.ZodType<unknown, unknown>);
    }
    return out;
  })();

type ValueOf<K extends SampleParam> = (typeof SAMPLE_PARAMS)[K]["value"];

/** The query of a route as a zod object of values: parameters named `R` required. */
export type SampleQueryShape<F extends SampleParam, R extends SampleParam> = {
  [K in Exclude<SampleParam, F>]: K extends R ? ValueOf<K> : z.ZodOptional<ValueOf<K>>;
};

/**
 * The query a route takes as a zod object of the parameters' values with their descriptions:
 * what `/openapi.json` documents and the typed client (`hc`) sends for that route.
 */
export function sampleQuerySchema<F extends SampleParam = never, R extends SampleParam = never>(
  options: { forbid?: readonly F[]; require?: readonly R[] } = {},
): z.ZodObject<SampleQueryShape<F, R>> {
  const required = new Set<string>(options.require ?? []);
  const shape: Record<string, z.ZodType> = {};
  for (const key of sampleParamNames(options)) {
    const spec: SampleParamSpec = SAMPLE_PARAMS[key];
    const value = spec.value.meta({ description: spec.description });
    shape[key] = required.has(key) ? value : value.optional();
  }
  return z.object(shape) as z.ZodObject<SampleQueryShape<F, R>>;
}
