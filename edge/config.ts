/**
 * Server configuration from environment variables, as a plain typed object. Pure: the entry
 * point passes `Deno.env.toObject()` in.
 *
 * @module
 */

import type { BackendChoice } from "../backends/mod.ts";
import type { LimiterOptions } from "./limiter.ts";
import type { SamplerOptions } from "../sampling/mod.ts";

export type { BackendChoice };

/** Everything `edge/main.ts` needs. */
export interface ServerConfig {
  /** `PORT`; 0 picks a free port. @default {8000} */
  port: number;
  /** `HOSTNAME`. @default {"0.0.0.0"} */
  hostname: string;
  /**
   * `DRS_BACKEND`: the runtime that opens each model; `auto` tries onnx, then wasm, per model
   * (`resolveBackend`). @default {"auto"}
   */
  backend: BackendChoice;
  /** `DRS_MODELS_DIR`. @default {"models"} */
  modelsDir: string;
  /** `DRS_SIGNING_KEYS` (`kid:secret,...`); absent means the development key (`dev_key.ts`). */
  signingKeys?: string;
  /** `DRS_VERIFY_KEYS` (`kid:secret,...`): keys that verify but never sign (a rotation's new key). */
  verifyKeys?: string;
  /** `DRS_ADMIN_TOKEN` for `POST /v1/sign`; absent disables the route. */
  adminToken?: string;
  /** `DRS_CONCURRENCY`: sampling requests run at once. @default {2} */
  concurrency: number;
  /** `DRS_QUEUE`: requests allowed to wait. @default {64} */
  queue: number;
  /** `DRS_BUDGET`: most proposals per request. @default {100000} */
  budget: number;
  /** `DRS_DEADLINE_MS`: wall-clock limit per request. @default {10000} */
  deadlineMs: number;
  /**
   * `DRS_INFERENCE_THREAD`: run G+D on an inference thread (a Worker sharing memory with the
   * server thread) instead of the server's JS thread (`0` turns it off). @default {true} with 2
   * or more CPUs, else false
   */
  inferenceThread: boolean;
  /**
   * `DRS_JOB_TIMEOUT_S`: seconds one G+D job may run on the inference thread before its
   * watchdog restarts it (the calls in flight fail with 503; `/readyz` says `restarting` until
   * the models are re-opened). 0 turns the watchdog off. @default {30}
   */
  jobTimeoutSeconds: number;
  /**
   * `DRS_BATCH_ROWS`: merge concurrent requests' G+D calls for one model version into batches
   * of up to this many rows while the backend is busy (`backends/batching.ts`); 0 turns
   * batching across requests off. @default {1024}
   */
  batchRows: number;
  /**
   * `DRS_FIRST_ROUND_Q`: with cost-sized rounds, the probability that a request's first round
   * completes it (BENCHMARKS.md, image models: the n=1 tail against the typical request).
   * @default {0.65}
   */
  firstRoundQuantile: number;
  /**
   * `DRS_INFERENCE_QUEUE`: row blocks that may wait for the inference thread; a call beyond
   * fails at once with 503 `overloaded`. @default {256}
   */
  inferenceQueue: number;
  /**
   * `DRS_CHUNK`: proposals per G+D call within a round when the inference thread is on (so
   * draws and decisions overlap G+D) or the WASM heap must stay bounded. @default {256}
   */
  chunk: number;
  /**
   * `DRS_ROUND_SIZING`: `cost` measures each model's G+D call cost at load and sizes DRS rounds
   * of compute-bound models (images) by quantile; `fixed` keeps one round that completes with
   * high probability for every model. @default {"cost"}
   */
  roundSizing: "cost" | "fixed";
  /**
   * `DRS_UNSIGNED`: `allow` (development) or `deny` (production: only signed URLs sample).
   * @default {"allow"}
   */
  unsigned: "allow" | "deny";
  /** `DRS_DEMO` (`on`/`off`): the demo page. @default {on unless DRS_UNSIGNED=deny} */
  demo: boolean;
  /** `DRS_MAX_TTL_S`: the longest lifetime of a signed URL, minting and verifying (at most 30 days). @default {2592000} */
  maxTtlSeconds: number;
  /**
   * `DRS_CLIENT_IP_HEADER`: the header a trusted proxy sets with the client's address
   * (`cf-connecting-ip`, `x-forwarded-for`) for per-client fairness. @default {undefined} (the
   * connection's address)
   */
  clientHeader?: string;
  /**
   * `DRS_BIND_HOST=on`: signed URLs must carry the signed `host` parameter naming the host they
   * are served under (`403 unbound_host`, `403 wrong_host`); `POST /v1/sign` binds what it
   * mints. @default {false}
   */
  bindHost: boolean;
  /** `DRS_CLIENT_QUEUE`: requests one client may have waiting (beyond: 429). @default {max(1, queue / 4)} */
  perClient: number;
  /**
   * `DRS_INTRA_OP_THREADS`: ONNX Runtime threads inside one G+D call. 1 suits many small
   * requests on a cheap model (grid25); a compute-bound image model on an idle machine gains
   * from one per core (BENCHMARKS.md, image models). @default {1}
   */
  intraOpThreads: number;
  /** `DRS_LOAD_TIMEOUT_S`: seconds one model version may take to load before it is refused. @default {300} */
  loadTimeoutSeconds: number;
  /**
   * `DRS_KEEP_VERSIONS`: ready versions kept loaded per model, newest first; older ones are
   * retired (pinned URLs to them answer 410). @default {2}
   */
  keepVersions: number;
  /**
   * `DRS_DEFAULT_VERSIONS` (`id:version,...`): the version unpinned requests of a model get
   * (always kept loaded). @default {{}} (each model's newest ready version)
   */
  defaultVersions: Record<string, number>;
  /**
   * `DRS_MODELS_POLL_S`: seconds between looks at the models folder for new or changed
   * versions; absent, versions load at start-up, on SIGHUP and on `POST /v1/admin/reload`.
   * @default {undefined}
   */
  pollSeconds?: number;
}

function intFrom(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max = Infinity,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    const range = max === Infinity ? `>= ${min}` : `in ${min}..${max}`;
    throw new RangeError(
      `Cannot start as '${name}' must be an integer ${range}: current value is '${raw}'`,
    );
  }
  return value;
}

function defaultVersions(raw: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z0-9][a-z0-9_-]{0,63}):([1-9][0-9]{0,8})$/.exec(entry);
    if (!m || m[1] in out) {
      throw new RangeError(
        `Cannot start as 'DRS_DEFAULT_VERSIONS' must list 'id:version' pairs, each model once: ` +
          `current entry is '${entry}'`,
      );
    }
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Options for {@linkcode configFromEnv}. */
export interface ConfigOptions {
  /**
   * CPUs available: the inference thread is on by default only with 2 or more (on one CPU a
   * second thread only adds hand-offs). @default {navigator.hardwareConcurrency ?? 1}
   */
  cpus?: number;
}

/** Reads the config; throws a RangeError naming the variable on a bad value. */
export function configFromEnv(
  env: Record<string, string | undefined>,
  options: ConfigOptions = {},
): ServerConfig {
  const cpus = options.cpus ?? globalThis.navigator?.hardwareConcurrency ?? 1;
  const backend = env.DRS_BACKEND || "auto";
  if (backend !== "onnx" && backend !== "wasm" && backend !== "auto") {
    throw new RangeError(
      `Cannot start as 'DRS_BACKEND' must be 'onnx', 'wasm' or 'auto': current value is '${backend}'`,
    );
  }
  const port = intFrom(env, "PORT", 8000, 0);
  if (port > 65535) {
    throw new RangeError(`Cannot start as 'PORT' must be in 0..65535: current value is '${port}'`);
  }
  return {
    port,
    hostname: env.HOSTNAME || "0.0.0.0",
    backend,
    modelsDir: env.DRS_MODELS_DIR || "models",
    signingKeys: env.DRS_SIGNING_KEYS || undefined,
    verifyKeys: env.DRS_VERIFY_KEYS || undefined,
    adminToken: adminTokenFrom(env.DRS_ADMIN_TOKEN),
    concurrency: intFrom(env, "DRS_CONCURRENCY", 2, 1),
    queue: intFrom(env, "DRS_QUEUE", 64, 0),
    budget: intFrom(env, "DRS_BUDGET", 100_000, 1),
    deadlineMs: intFrom(env, "DRS_DEADLINE_MS", 10_000, 1),
    inferenceThread: intFrom(env, "DRS_INFERENCE_THREAD", cpus >= 2 ? 1 : 0, 0) !== 0,
    jobTimeoutSeconds: intFrom(env, "DRS_JOB_TIMEOUT_S", 30, 0),
    batchRows: intFrom(env, "DRS_BATCH_ROWS", 1024, 0),
    firstRoundQuantile: quantileFrom(env.DRS_FIRST_ROUND_Q),
    inferenceQueue: intFrom(env, "DRS_INFERENCE_QUEUE", 256, 1),
    chunk: intFrom(env, "DRS_CHUNK", 256, 1),
    roundSizing: roundSizingFrom(env.DRS_ROUND_SIZING),
    unsigned: oneOf(env, "DRS_UNSIGNED", ["allow", "deny"], "allow") as "allow" | "deny",
    demo:
      oneOf(env, "DRS_DEMO", ["on", "off"], env.DRS_UNSIGNED === "deny" ? "off" : "on") === "on",
    maxTtlSeconds: intFrom(env, "DRS_MAX_TTL_S", 30 * 24 * 3600, 1, 30 * 24 * 3600),
    clientHeader: env.DRS_CLIENT_IP_HEADER || undefined,
    bindHost: oneOf(env, "DRS_BIND_HOST", ["on", "off"], "off") === "on",
    perClient: intFrom(
      env,
      "DRS_CLIENT_QUEUE",
      Math.max(1, Math.floor(intFrom(env, "DRS_QUEUE", 64, 0) / 4)),
      1,
    ),
    intraOpThreads: intFrom(env, "DRS_INTRA_OP_THREADS", 1, 1),
    loadTimeoutSeconds: intFrom(env, "DRS_LOAD_TIMEOUT_S", 300, 1),
    keepVersions: intFrom(env, "DRS_KEEP_VERSIONS", 2, 1),
    defaultVersions: defaultVersions(env.DRS_DEFAULT_VERSIONS),
    pollSeconds: env.DRS_MODELS_POLL_S ? intFrom(env, "DRS_MODELS_POLL_S", 0, 1) : undefined,
  };
}

function quantileFrom(text: string | undefined): number {
  if (text === undefined || text === "") return 0.65;
  const q = Number(text);
  if (!/^0?\.[0-9]+$/.test(text) || !(q >= 0.5 && q < 1)) {
    throw new RangeError(
      `Cannot start as 'DRS_FIRST_ROUND_Q' must be a probability in [0.5, 1): current value is '${text}'`,
    );
  }
  return q;
}

function adminTokenFrom(token: string | undefined): string | undefined {
  if (!token) return undefined;
  if (new TextEncoder().encode(token).length < 32) {
    throw new RangeError(
      "Cannot start as 'DRS_ADMIN_TOKEN' must be at least 32 bytes (e.g. openssl rand -hex 32)",
    );
  }
  return token;
}

function oneOf(
  env: Record<string, string | undefined>,
  name: string,
  values: readonly string[],
  fallback: string,
): string {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  if (!values.includes(value)) {
    throw new RangeError(
      `Cannot start as '${name}' must be ${values.join(" or ")}: current value is '${value}'`,
    );
  }
  return value;
}

function roundSizingFrom(value: string | undefined): "cost" | "fixed" {
  if (value === undefined || value === "" || value === "cost") return "cost";
  if (value === "fixed") return "fixed";
  throw new RangeError(
    `Cannot start as 'DRS_ROUND_SIZING' must be cost or fixed: current value is '${value}'`,
  );
}

/** Options for {@linkcode appLimits}. */
export interface AppLimitsOptions {
  /**
   * Split rounds into chunks of `DRS_CHUNK` proposals (an inference thread to overlap, or a
   * WASM heap to bound). @default {false}
   */
  chunked?: boolean;
}

/** The app's `limits` from the config: concurrency, queue, budget, deadline and chunking. */
export function appLimits(
  config: ServerConfig,
  options: AppLimitsOptions = {},
): SamplerOptions & LimiterOptions {
  return {
    concurrency: config.concurrency,
    queue: config.queue,
    budget: config.budget,
    deadlineMs: config.deadlineMs,
    firstQuantile: config.firstRoundQuantile,
    ...(options.chunked ? { chunk: config.chunk } : {}),
  };
}
