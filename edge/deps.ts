/** What the routes share: the registry, keys, limits and metrics of one app. @module */

import type { SigningKey } from "../shared/signing.ts";
import type { Limiter } from "./limiter.ts";
import type { Metrics } from "./metrics.ts";
import type { Registry, ReloadReport } from "./registry.ts";
import type { SamplerOptions } from "../sampling/mod.ts";

/** Hono environment of the app: handlers name their route for metrics. */
export interface AppEnv {
  Variables: { route: string };
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
  /** Unix time in seconds (expiry checks, signing). */
  nowSeconds: () => number;
}
