/**
 * Flags of `deno task sign`, parsed and validated without `Deno.*` so they can be tested.
 *
 * @module
 */

import { z } from "zod";
import { SAMPLER_NAMES, type SamplerName } from "../shared/manifest.ts";
import { MAX_K } from "../shared/mh.ts";
import { MAX_PSI } from "../shared/truncation.ts";
import type { SignedSampleParams } from "./signed_url.ts";
import { MAX_TTL_SECONDS } from "./routes/sign.ts";

/** Parsed `deno task sign` flags. */
export interface SignArgs {
  /** What to sign; `version` is undefined when `--version` is not given (the CLI picks one). */
  params: SignedSampleParams;
  /** Seconds until expiry. @default {3600} */
  ttl: number;
  /** One URL per seed (`--seed`, or the list of `--seeds`). */
  seeds: number[];
  /** PNG scales to mint for each seed, with an `<img srcset>` snippet. @default {undefined} */
  srcset?: number[];
  /** Origin of the printed URL. @default {"http://localhost:8000"} */
  baseUrl: string;
  /** Bind the URL to the host of `baseUrl` (the signed `host`). @default {false} */
  bindHost: boolean;
}

/** Usage line printed with `--help`. */
export const SIGN_USAGE =
  "Usage: deno task sign --model ID --seed UINT32 [--n 1..256] [--ttl SECONDS] " +
  "[--base-url URL] [--format png|json] [--drs true|false] [--gamma X | --acceptance P] [--scale 1..8] " +
  "[--class INDEX|LABEL] [--sampler drs|mh|raw|truncation] [--k 2..64] [--psi P] " +
  "[--version V] [--seeds S1,S2,...] [--srcset 1,2] [--bind-host true|false]";

const int = (min: number, max: number) =>
  z.string().regex(/^[0-9]{1,10}$/).transform(Number).pipe(z.number().int().min(min).max(max));
const num = z.string().regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/).transform(Number)
  .pipe(z.number().refine(Number.isFinite));

const flags = {
  model: {
    schema: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
    expected: "a model id like 'grid25'",
  },
  seed: { schema: int(0, 0xffffffff), expected: "a uint32" },
  n: { schema: int(1, 256), expected: "an integer in 1..256" },
  ttl: { schema: int(1, MAX_TTL_SECONDS), expected: `seconds in 1..${MAX_TTL_SECONDS}` },
  "base-url": { schema: z.url({ protocol: /^https?$/ }), expected: "an http(s) URL" },
  format: { schema: z.enum(["png", "json"]), expected: "'png' or 'json'" },
  drs: { schema: z.enum(["true", "false"]), expected: "'true' or 'false'" },
  gamma: { schema: num, expected: "a finite number" },
  acceptance: {
    schema: num.pipe(z.number().gt(0).lt(1)),
    expected: "a number strictly between 0 and 1",
  },
  scale: { schema: int(1, 8), expected: "an integer in 1..8" },
  class: { schema: z.string().min(1).max(64), expected: "a class index or label" },
  sampler: { schema: z.enum(SAMPLER_NAMES), expected: SAMPLER_NAMES.join(", ") },
  k: { schema: int(2, MAX_K), expected: `an integer in 2..${MAX_K}` },
  psi: { schema: num.pipe(z.number().gt(0).max(MAX_PSI)), expected: `a number in (0, ${MAX_PSI}]` },
  version: {
    schema: z.string().regex(/^[1-9][0-9]{0,8}$/).transform(Number),
    expected: "a model version (an integer in 1..999999999)",
  },
  seeds: {
    schema: z.string().regex(/^[0-9]{1,10}(,[0-9]{1,10}){0,63}$/).transform((s) =>
      s.split(",").map(Number)
    ).pipe(z.array(z.number().int().min(0).max(0xffffffff))),
    expected: "up to 64 uint32 seeds separated by commas",
  },
  srcset: {
    schema: z.string().regex(/^[1-8](,[1-8]){0,3}$/).transform((s) => s.split(",").map(Number)),
    expected: "up to four PNG scales 1..8 separated by commas, e.g. 1,2",
  },
  "bind-host": { schema: z.enum(["true", "false"]), expected: "'true' or 'false'" },
} as const;

type Flag = keyof typeof flags;

/** The default each flag shows in `--help`. */
const DEFAULTS: Record<Flag, string> = {
  model: "required",
  seed: "required",
  n: "1",
  ttl: "3600",
  "base-url": "http://localhost:8000",
  format: "png",
  drs: "true",
  gamma: "the model's calibrated gamma",
  acceptance: "-",
  scale: "1",
  class: "drawn per sample",
  sampler: "the model's default sampler",
  k: "the model's (mh)",
  psi: "the model's (truncation)",
  version: "the newest in DRS_MODELS_DIR",
  seeds: "-",
  srcset: "-",
  "bind-host": "false (true for a server with DRS_BIND_HOST=on: binds to --base-url's host)",
};

/** The `--help` text: usage, every flag with what it takes and its default, an example. */
export function signHelp(): string {
  return [
    "Mint a signed sample URL with the first key of DRS_SIGNING_KEYS (kid:secret,...).",
    "",
    SIGN_USAGE,
    "",
    "flags:",
    ...Object.entries(flags).map(([name, f]) =>
      `  --${name}  ${f.expected} (default: ${DEFAULTS[name as Flag]})`
    ),
    "  --help  print this help and exit",
    "",
    "example:",
    "  DRS_SIGNING_KEYS=k1:$SECRET deno task sign --model mnist --seed 7 --class 3 --ttl 86400",
  ].join("\n");
}

/** Parses `--flag value` / `--flag=value` pairs; throws a one-line RangeError naming the flag. */
export function parseSignArgs(args: readonly string[]): SignArgs {
  const values = new Map<Flag, unknown>();
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]);
    if (!m) {
      throw new RangeError(`Cannot sign as '${args[i]}' is not a flag: expected --name value`);
    }
    const name = m[1] as Flag;
    if (!(name in flags)) {
      throw new RangeError(`Cannot sign as '--${m[1]}' is not a known flag: ${SIGN_USAGE}`);
    }
    if (values.has(name)) throw new RangeError(`Cannot sign as '--${name}' is repeated`);
    const raw = m[2] ?? args[++i];
    if (raw === undefined) {
      throw new RangeError(`Cannot sign as '--${name}' needs a value: ${flags[name].expected}`);
    }
    const parsed = flags[name].schema.safeParse(raw);
    if (!parsed.success) {
      throw new RangeError(
        `Cannot sign as '--${name}' must be ${flags[name].expected}: current value is '${raw}'`,
      );
    }
    values.set(name, parsed.data);
  }
  if (!values.has("model")) {
    throw new RangeError(`Cannot sign as '--model' is required: ${flags.model.expected}`);
  }
  if (values.has("seed") === values.has("seeds")) {
    throw new RangeError(
      "Cannot sign as exactly one of '--seed' (a uint32) and '--seeds' (a list) is required",
    );
  }
  if (values.has("srcset") && values.get("format") === "json") {
    throw new RangeError("Cannot sign as '--srcset' is for PNG images: drop '--format json'");
  }
  if (values.has("gamma") && values.has("acceptance")) {
    throw new RangeError("Cannot sign as '--gamma' and '--acceptance' are exclusive: give one");
  }
  const get = <T>(name: Flag) => values.get(name) as T | undefined;
  return {
    params: {
      model: get<string>("model")!,
      seed: get<number>("seed") ?? get<number[]>("seeds")![0],
      n: get<number>("n") ?? 1,
      format: get<"png" | "json">("format"),
      drs: get<string>("drs") === undefined ? undefined : get<string>("drs") === "true",
      gamma: get<number>("gamma"),
      acceptance: get<number>("acceptance"),
      scale: get<number>("scale"),
      class: get<string>("class"),
      sampler: get<SamplerName>("sampler"),
      k: get<number>("k"),
      psi: get<number>("psi"),
      version: get<number>("version"),
    },
    seeds: get<number[]>("seeds") ?? [get<number>("seed")!],
    srcset: get<number[]>("srcset"),
    ttl: get<number>("ttl") ?? 3600,
    baseUrl: get<string>("base-url") ?? "http://localhost:8000",
    bindHost: get<string>("bind-host") === "true",
  };
}
