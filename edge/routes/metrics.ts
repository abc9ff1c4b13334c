/** `GET /metrics` in the Prometheus text format. @module */

import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../deps.ts";

/** The metrics route (gauges for the queue and the models are read at scrape time). */
export function metricsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/metrics", (c) => {
    c.set("route", "/metrics");
    const body = deps.metrics.render({
      drs_models_loaded: deps.registry.models().length,
      drs_models_failed: deps.registry.errors().length,
      drs_sampler_active: deps.limiter.active,
      drs_sampler_queued: deps.limiter.queued,
    });
    return c.body(body, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
  return app;
}
