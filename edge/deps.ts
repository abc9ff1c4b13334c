/** What the routes share: the registry, keys, limits and metrics of one app. @module */

import type { SigningKey } from "../shared/signing.ts";
import type { Limiter } from "./limiter.ts";
import type { Metrics } from "./metrics.ts";
import type { Registry, ReloadReport } from "./registry.ts";
import type { SamplerOptions } from "../sampling/mod.ts";

/** Hono environment of the app: handlers name their route for metrics; `client` keys fairness. */
export interface AppEnv {
  Variables: { route: string; client?: string };
}

/** What an exposed server allows (`DRS_UNSIGNED`, `DRS_DEMO`, `DRS_MAX_TTL_S`, client keys). */
export interface SecurityOptions {
  /** `deny` answers unsigned sample routes 403: only signed URLs sample. @default {"allow"} */
  unsigned?: "allow" | "deny";
  /** Serve `/demo` and `/demo/urls`. @default {unsigned === "allow"} */
  demo?: boolean;
  /** The farthest a signed URL's `exp` may lie ahead, minting and verifying. @default {2592000} (30 days) */
  maxTtlSeconds?: number;
  /**
   * A header set by a trusted proxy that names the client (`cf-connecting-ip`,
   * `x-forwarded-for`: its first address). @default {undefined} (the connection's address)
   */
  clientHeader?: string;
  /** Requests one client may have waiting; beyond them 429. @default {max(1, floor(queue / 4))} */
  perClient?: number;
  /**
   * Signed URLs must be bound to the host they are served under (the signed `host`
   * parameter); `POST /v1/sign` then binds every URL it mints. @default {false}
   */
  bindHost?: boolean;
}

/** Dependencies every route can use (built by `createApp`). */
export interface AppDeps {
  registry: Registry;
  keys: readonly SigningKey[];
  limiter: Limiter;
  metrics: Metrics;
  sampler: SamplerOptions;
  /** Bearer token for `POST /v1/sign` and `POST /v1/admin/reload`; both are off without one. */
  adminToken?: string;
  /** One reload pass of the registry (new and changed versions in, old ones retired). */
  reload: () => Promise<ReloadReport>;
  /** Why the runtime cannot serve now (`/readyz` answers 503 with it), or undefined. */
  runtimeProblem: () => { code: string; message: string } | undefined;
  /** Unix time in seconds (expiry checks, signing). */
  nowSeconds: () => number;
  /** What the server allows, filled with its defaults. */
  security: Required<Omit<SecurityOptions, "clientHeader">> & { clientHeader?: string };
  /**
   * The demo's own signing key, made on first use (short-lived URLs, restricted parameters):
   * the demo never mints with a production key. `current` once made, for verification.
   */
  demoKey: { current?: SigningKey; get(): Promise<SigningKey> };
}
