/** What the routes share: the registry, keys, limits and metrics of one app. @module */

import type { SigningKey } from "../shared/signing.ts";
import type { Limiter } from "./limiter.ts";
import type { Metrics } from "./metrics.ts";
import type { Registry } from "./registry.ts";
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
  /** Bearer token for `POST /v1/sign`; the route is disabled without one. */
  adminToken?: string;
  /** Unix time in seconds (expiry checks, signing). */
  nowSeconds: () => number;
}
