/**
 * The Hono app of the edge sample service. Web-standard APIs only: the same app runs under
 * Deno.serve, Deno Deploy and Cloudflare Workers.
 *
 * @module
 */

import { OpenAPIHono } from "@hono/zod-openapi";
import { importSigningKey, type SigningKey } from "../shared/signing.ts";
import { clientKey } from "./client_key.ts";
import type { AppDeps, AppEnv, SecurityOptions } from "./deps.ts";
import { notFound, onError } from "./errors.ts";
import { createLimiter, type LimiterOptions } from "./limiter.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import type { Registry, ReloadReport } from "./registry.ts";
import { adminRoutes } from "./routes/admin.ts";
import { demoRoutes } from "./routes/demo.ts";
import { docsRoutes } from "./routes/docs.ts";
import { healthRoutes } from "./routes/health.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { modelRoutes } from "./routes/models.ts";
import { sampleRoutes } from "./routes/samples.ts";
import { MAX_TTL_SECONDS, signRoutes } from "./routes/sign.ts";
import { signedRoutes } from "./routes/signed.ts";
import type { SamplerOptions } from "../sampling/mod.ts";
import { securityHeaders } from "./security_headers.ts";

/** Options for {@linkcode createApp}. */
export interface AppOptions {
  registry: Registry;
  /** Keys that verify signed URLs; the first one signs. */
  keys: readonly SigningKey[];
  /** Sampler budget, deadline and batch bounds. @default {{}} */
  limits?: SamplerOptions & LimiterOptions;
  /** Bearer token of `POST /v1/sign` and `POST /v1/admin/reload`; absent disables them. */
  adminToken?: string;
  /**
   * What `POST /v1/admin/reload` runs (the service's reloader logs it).
   * @default {() => registry.load()}
   */
  reload?: () => Promise<ReloadReport>;
  /** Metrics store. @default {createMetrics()} */
  metrics?: Metrics;
  /** Unix seconds. @default {() => Math.floor(Date.now() / 1000)} */
  nowSeconds?: () => number;
  /** What an exposed server allows. @default {{}} (development: unsigned sampling and the demo) */
  security?: SecurityOptions;
  /**
   * Why the runtime cannot serve right now (an inference thread restarting): `/readyz` answers
   * 503 with it. @default {() => undefined}
   */
  runtimeProblem?: AppDeps["runtimeProblem"];
}

/** A fresh random key for the demo's URLs (never a production key). */
function demoKeyHolder(): AppDeps["demoKey"] {
  let made: Promise<SigningKey> | undefined;
  const holder: AppDeps["demoKey"] = {
    get() {
      made ??= (async () => {
        const hex = (n: number) =>
          Array.from(
            crypto.getRandomValues(new Uint8Array(n)),
            (b) => b.toString(16).padStart(2, "0"),
          )
            .join("");
        holder.current = await importSigningKey(`demo-${hex(4)}`, hex(32));
        return holder.current;
      })();
      return made;
    },
  };
  return holder;
}

/**
 * Builds the app: health, models, samples, signed samples, signing, reload, metrics, the demo,
 * and its OpenAPI document and reference page. The type of the result is the typed client's
 * ({@linkcode AppType}).
 */
export function createApp(options: AppOptions) {
  if (options.keys.length === 0) {
    throw new RangeError("Cannot create the app as 'keys' must hold at least one signing key");
  }
  const { concurrency, queue, ...sampler } = options.limits ?? {};
  const s = options.security ?? {};
  const unsigned = s.unsigned ?? "allow";
  const security: AppDeps["security"] = {
    unsigned,
    demo: s.demo ?? unsigned === "allow",
    maxTtlSeconds: s.maxTtlSeconds ?? MAX_TTL_SECONDS,
    perClient: s.perClient ?? Math.max(1, Math.floor((queue ?? 64) / 4)),
    clientHeader: s.clientHeader?.toLowerCase(),
    bindHost: s.bindHost ?? false,
  };
  const deps: AppDeps = {
    registry: options.registry,
    keys: options.keys,
    limiter: createLimiter({ concurrency, queue, perClient: security.perClient }),
    security,
    demoKey: demoKeyHolder(),
    metrics: options.metrics ?? createMetrics(),
    sampler,
    adminToken: options.adminToken,
    reload: options.reload ?? (() => options.registry.load()),
    nowSeconds: options.nowSeconds ?? (() => Math.floor(Date.now() / 1000)),
    runtimeProblem: options.runtimeProblem ?? (() => undefined),
  };
  const app = new OpenAPIHono<AppEnv>();
  app.use(async (c, next) => {
    const start = performance.now();
    c.set("route", "unmatched");
    await next();
    deps.metrics.request(c.get("route"), c.res.status, (performance.now() - start) / 1000);
  });
  app.use(securityHeaders());
  app.use(clientKey(security.clientHeader));
  app.onError(onError);
  app.notFound(notFound);
  const routed = app
    .route("/", healthRoutes(deps))
    .route("/", modelRoutes(deps))
    .route("/", sampleRoutes(deps))
    .route("/", signedRoutes(deps))
    .route("/", signRoutes(deps))
    .route("/", adminRoutes(deps))
    .route("/", metricsRoutes(deps))
    .route("/", security.demo ? demoRoutes(deps) : new OpenAPIHono<AppEnv>())
    .route("/", docsRoutes(() => app));
  return routed;
}

/**
 * The app's type, for Hono's typed client:
 * `hc<AppType>("https://samples.example").v1.models[":id"].samples.$get(...)`.
 */
export type AppType = ReturnType<typeof createApp>;
