/**
 * Query parameters of the sample routes, validated with zod. Every failure names the
 * parameter and what it expects; unknown or repeated parameters are refused so that one image
 * has one URL.
 *
 * @module
 */

import { z } from "zod";
import { HttpError } from "./errors.ts";

/** Largest `n` per request. */
export const MAX_N = 256;

/** A validated sample query (`seed` absent means "pick one at random"). */
export interface SampleQuery {
  n: number;
  seed?: number;
  format: "json" | "png";
  drs: boolean;
  gamma?: number;
  acceptance?: number;
  scale: number;
  /** The model version a signed URL is pinned to (`v`; signed URLs only). */
  v?: number;
}

const digits = (max: number) =>
  z.string().regex(/^[0-9]{1,10}$/).transform(Number).pipe(z.number().int().max(max));
const decimal = z.string().regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/).transform(Number)
  .pipe(z.number().refine(Number.isFinite));

const fields = {
  n: { schema: digits(MAX_N).pipe(z.number().min(1)), expected: `an integer in 1..${MAX_N}` },
  seed: { schema: digits(0xffffffff), expected: "a uint32 (an integer in 0..4294967295)" },
  format: { schema: z.enum(["json", "png"]), expected: "'json' or 'png'" },
  drs: { schema: z.enum(["true", "false"]), expected: "'true' or 'false'" },
  gamma: { schema: decimal, expected: "a finite number" },
  acceptance: {
    schema: decimal.pipe(z.number().gt(0).lt(1)),
    expected: "a number strictly between 0 and 1",
  },
  scale: { schema: digits(8).pipe(z.number().min(1)), expected: "an integer in 1..8" },
  v: {
    schema: z.string().regex(/^[1-9][0-9]{0,8}$/).transform(Number),
    expected: "a model version (an integer in 1..999999999, no leading zeros)",
  },
} as const;

/** Names of the accepted parameters. */
export type SampleParam = keyof typeof fields;

/** Options for {@linkcode parseSampleQuery}. */
export interface ParseQueryOptions {
  /** Parameters that are not allowed here (e.g. `format` on a signed `.png` path). @default {[]} */
  forbid?: readonly SampleParam[];
  /** Parameters that must be present (e.g. `seed` on signed URLs). @default {[]} */
  require?: readonly SampleParam[];
  /** Parameters skipped entirely (the signature's `exp`, `kid`, `sig`). @default {[]} */
  ignore?: readonly string[];
}

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
  const forbid = new Set<string>(options.forbid ?? []);
  const ignore = new Set(options.ignore ?? []);
  const allowed = Object.keys(fields).filter((k) => !forbid.has(k));
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
      throw bad(key, `Cannot sample as '${key}' is required here`, fields[key].expected);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of raw) {
    const field = fields[key as SampleParam];
    const result = field.schema.safeParse(value);
    if (!result.success) {
      const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
      throw bad(
        key,
        `Cannot sample as '${key}' must be ${field.expected}: current value is '${shown}'`,
        field.expected,
      );
    }
    out[key] = result.data;
  }
  if (out.gamma !== undefined && out.acceptance !== undefined) {
    throw bad("gamma", "Cannot sample as 'gamma' and 'acceptance' are exclusive: give one");
  }
  const drs = out.drs !== "false";
  if (!drs && (out.gamma !== undefined || out.acceptance !== undefined)) {
    const key = out.gamma !== undefined ? "gamma" : "acceptance";
    throw bad(key, `Cannot sample as '${key}' has no effect when drs=false: remove it`);
  }
  return {
    n: (out.n as number | undefined) ?? 1,
    seed: out.seed as number | undefined,
    format: (out.format as "json" | "png" | undefined) ?? "json",
    drs,
    gamma: out.gamma as number | undefined,
    acceptance: out.acceptance as number | undefined,
    scale: (out.scale as number | undefined) ?? 1,
    ...(out.v !== undefined ? { v: out.v as number } : {}),
  };
}

/**
 * The canonical query string of a request (sorted, defaults filled), for ETags and signing. The
 * version `v` is left out: the ETag names the version it was served from (`sampleEtag`).
 */
export function canonicalQuery(q: SampleQuery & { seed: number }): string {
  const parts: [string, string][] = [
    ["drs", String(q.drs)],
    ["format", q.format],
    ["n", String(q.n)],
    ["scale", String(q.scale)],
    ["seed", String(q.seed)],
  ];
  if (q.gamma !== undefined) parts.push(["gamma", String(q.gamma)]);
  if (q.acceptance !== undefined) parts.push(["acceptance", String(q.acceptance)]);
  parts.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return parts.map(([k, v]) => `${k}=${v}`).join("&");
}
