/**
 * Query parameters of the sample routes, validated with zod. Every failure names the
 * parameter and what it expects; unknown or repeated parameters are refused so that one image
 * has one URL.
 *
 * @module
 */

import {
  type Manifest,
  SAMPLER_NAMES,
  samplerDefaults,
  type SamplerName,
} from "../shared/manifest.ts";
import type { SamplerSpec } from "../sampling/mod.ts";
import { HttpError } from "./errors.ts";
import {
  SAMPLE_PARAM_PARSERS,
  SAMPLE_PARAMS,
  type SampleParam,
  sampleParamNames,
  type SampleParamsOptions,
} from "./sample_params.ts";

export { MAX_N, type SampleParam } from "./sample_params.ts";

/** A validated sample query (`seed` absent means "pick one at random"). */
export interface SampleQuery {
  n: number;
  seed?: number;
  format: "json" | "png";
  /** False for `drs=false` (an alias of `sampler=raw`). */
  drs: boolean;
  /** The sampler asked for; the model's default when absent. */
  sampler?: SamplerName;
  /** MH: proposals per returned sample (`sampler=mh`). */
  k?: number;
  /** Truncation threshold (`sampler=truncation`). */
  psi?: number;
  gamma?: number;
  acceptance?: number;
  scale: number;
  /** The class asked for, as given (an index or a label); resolved against the model later. */
  class?: string;
  /** The model version a signed URL is pinned to (`v`; signed URLs only). */
  v?: number;
}

/** Options for {@linkcode parseSampleQuery}: which parameters the route takes. */
export type ParseQueryOptions = SampleParamsOptions;

/** Parameters that tune one sampler, with the sampler (refused with any other one), by sampler. */
const OWNED = (Object.keys(SAMPLE_PARAMS) as SampleParam[]).flatMap((key) => {
  const needs: SamplerName | undefined = SAMPLE_PARAMS[key].sampler;
  return needs ? [[key, needs] as const] : [];
}).sort((a, b) => SAMPLER_NAMES.indexOf(a[1]) - SAMPLER_NAMES.indexOf(b[1]));

function bad(param: string, message: string, expected?: string): HttpError {
  return new HttpError(400, "invalid_parameter", message, {
    details: expected ? { parameter: param, expected } : { parameter: param },
  });
}

/** Validates a query string; throws {@linkcode HttpError} 400 naming the parameter. */
export function parseSampleQuery(
  params: URLSearchParams,
  options: ParseQueryOptions = {},
): SampleQuery {
  const ignore = new Set(options.ignore ?? []);
  const allowed: string[] = sampleParamNames(options);
  const raw = new Map<string, string>();
  for (const [key, value] of params) {
    if (ignore.has(key)) continue;
    if (!allowed.includes(key)) {
      const shown = key.length > 40 ? `${key.slice(0, 40)}...` : key;
      throw bad(
        shown,
        `Cannot sample as '${shown}' is not a known parameter: expected one of ${
          allowed.join(", ")
        }`,
      );
    }
    if (raw.has(key)) throw bad(key, `Cannot sample as '${key}' is repeated: give it once`);
    raw.set(key, value);
  }
  for (const key of options.require ?? []) {
    if (!raw.has(key)) {
      throw bad(key, `Cannot sample as '${key}' is required here`, SAMPLE_PARAMS[key].expected);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of raw) {
    const result = SAMPLE_PARAM_PARSERS[key as SampleParam].safeParse(value);
    if (!result.success) {
      const { expected } = SAMPLE_PARAMS[key as SampleParam];
      const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
      throw bad(
        key,
        `Cannot sample as '${key}' must be ${expected}: current value is '${shown}'`,
        expected,
      );
    }
    out[key] = result.data;
  }
  if (out.gamma !== undefined && out.acceptance !== undefined) {
    throw bad("gamma", "Cannot sample as 'gamma' and 'acceptance' are exclusive: give one");
  }
  const drs = out.drs !== false;
  const sampler = out.sampler as SamplerName | undefined;
  if (!drs && sampler !== undefined && sampler !== "raw") {
    throw bad(
      "drs",
      `Cannot sample as 'drs=false' asks for raw samples but 'sampler' is '${sampler}': give one`,
    );
  }
  const chosen = drs ? sampler : "raw";
  // A parameter of another sampler would be silently ignored: refused instead.
  for (const [key, needs] of OWNED) {
    if (out[key] === undefined) continue;
    if (chosen === undefined) continue; // the model's default sampler decides (resolveSampler)
    if (chosen !== needs) {
      const why = chosen === "raw" && !drs ? "drs=false" : `sampler=${chosen ?? "the default"}`;
      throw bad(
        key,
        `Cannot sample as '${key}' has no effect when ${why}: remove it or use sampler=${needs}`,
      );
    }
  }
  return {
    n: (out.n as number | undefined) ?? 1,
    seed: out.seed as number | undefined,
    format: (out.format as "json" | "png" | undefined) ?? "json",
    drs,
    gamma: out.gamma as number | undefined,
    acceptance: out.acceptance as number | undefined,
    scale: (out.scale as number | undefined) ?? 1,
    class: out.class as string | undefined,
    ...(sampler !== undefined ? { sampler } : {}),
    ...(out.k !== undefined ? { k: out.k as number } : {}),
    ...(out.psi !== undefined ? { psi: out.psi as number } : {}),
    ...(out.v !== undefined ? { v: out.v as number } : {}),
  };
}

/** The sampler a query resolves to on a model: its own choice, else the model's defaults. */
export function resolveSampler(
  defaults: Manifest["samplers"],
  q: SampleQuery,
): SamplerSpec {
  const filled = samplerDefaults(defaults);
  const name = q.drs ? q.sampler ?? filled.default : "raw";
  for (const [key, needs] of OWNED) {
    if (q[key as keyof SampleQuery] !== undefined && name !== needs) {
      throw bad(
        key,
        `Cannot sample as '${key}' has no effect with this model's default sampler '${name}': ` +
          `add sampler=${needs}`,
      );
    }
  }
  switch (name) {
    case "drs":
      return {
        kind: "drs",
        gamma: q.gamma,
        acceptance: q.acceptance ?? (q.gamma === undefined ? filled.acceptance : undefined),
      };
    case "mh":
      return { kind: "mh", k: q.k ?? filled.k };
    case "truncation":
      return { kind: "truncation", psi: q.psi ?? filled.psi };
    case "raw":
      return { kind: "raw" };
  }
}

/** `class=all`: `n` samples of every class, class-major (a PNG grid has one row per class). */
export const ALL_CLASSES = "all";

/**
 * The class index a query asks for: an index (`7`) or a label (`Sneaker`, any case) of the
 * model's `classes`, or `all`; undefined when the query names none. Throws 400 naming the valid
 * ones.
 */
export function resolveClass(
  model: { id: string; classes?: readonly string[] },
  given: string | undefined,
): number | typeof ALL_CLASSES | undefined {
  if (given === undefined) return undefined;
  const classes = model.classes ?? [];
  if (classes.length === 0) {
    throw bad("class", `Cannot sample as model '${model.id}' has no classes: remove 'class'`);
  }
  const index = /^[0-9]{1,4}$/.test(given) ? Number(given) : -1;
  if (index >= 0 && index < classes.length) return index;
  const byLabel = classes.findIndex((c) => c.toLowerCase() === given.toLowerCase());
  if (byLabel >= 0) return byLabel;
  if (given.toLowerCase() === ALL_CLASSES) return ALL_CLASSES;
  const valid = classes.map((c, i) => `${i} (${c})`).join(", ");
  const shown = given.length > 40 ? `${given.slice(0, 40)}...` : given;
  throw bad(
    "class",
    `Cannot sample as 'class' must be a class of model '${model.id}': current value is ` +
      `'${shown}'; valid classes are ${valid}, or 'all' (n of each)`,
    `an index in 0..${classes.length - 1}, one of ${classes.join(", ")}, or 'all'`,
  );
}

/**
 * The canonical query string of a request (sorted, defaults filled, the class as its index and
 * the sampler resolved), for ETags. DRS and raw requests keep the form they had before other
 * samplers existed (`drs=true|false`), so their ETags did not change. The version `v` is left
 * out: the ETag names the version it was served from (`sampleEtag`).
 */
export function canonicalQuery(
  q: SampleQuery & { seed: number; label?: number; eachClass?: boolean; spec?: SamplerSpec },
): string {
  const spec = q.spec ?? (q.drs ? { kind: "drs" } : { kind: "raw" });
  const parts: [string, string][] = [
    ["drs", String(spec.kind === "drs")],
    ["format", q.format],
    ["n", String(q.n)],
    ["scale", String(q.scale)],
    ["seed", String(q.seed)],
  ];
  if (q.gamma !== undefined) parts.push(["gamma", String(q.gamma)]);
  if (q.acceptance !== undefined) parts.push(["acceptance", String(q.acceptance)]);
  if (q.label !== undefined) parts.push(["class", String(q.label)]);
  if (q.eachClass) parts.push(["class", ALL_CLASSES]);
  if (spec.kind === "mh") parts.push(["sampler", "mh"], ["k", String(spec.k)]);
  if (spec.kind === "truncation") parts.push(["sampler", "truncation"], ["psi", String(spec.psi)]);
  parts.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return parts.map(([k, v]) => `${k}=${v}`).join("&");
}
