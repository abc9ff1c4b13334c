/** `GET /metrics` in the Prometheus text format. @module */

import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppDeps, AppEnv } from "../deps.ts";
import type { LabelledGauge } from "../metrics.ts";
import { documented } from "../openapi/route.ts";

/** `drs_model_version_info`: one sample per known version, labelled with its state. */
export function versionInfo(deps: AppDeps): LabelledGauge {
  const samples: LabelledGauge["samples"] = [];
  for (const id of deps.registry.ids()) {
    for (const v of deps.registry.versions(id) ?? []) {
      samples.push({
        labels: {
          model: id,
          version: v.version,
          state: v.state,
          default: String(v.default),
          backend: v.backend ?? "",
        },
        value: 1,
      });
    }
  }
  return {
    name: "drs_model_version_info",
    help: "Model versions the server knows, by state (loading, ready, failed, retired); " +
      "default=true marks the one unpinned requests get.",
    samples,
  };
}

const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  tags: ["Operations"],
  summary: "Prometheus metrics",
  description: "Requests by route and status, latency, proposals, acceptances, logM raises, " +
    "budget exhaustions, backend errors per model version, and the sampler queue.",
  responses: {
    200: {
      description: "The Prometheus text format (0.0.4)",
      content: { "text/plain": { schema: z.string() } },
    },
  },
});

/** The metrics route (gauges for the queue and the models are read at scrape time). */
export function metricsRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  return app.openapi(documented(app, metricsRoute), (c) => {
    c.set("route", "/metrics");
    const versions = versionInfo(deps);
    const body = deps.metrics.render({
      drs_models_loaded: deps.registry.models().length,
      drs_models_failed: deps.registry.errors().length,
      drs_model_versions_loaded: versions.samples.filter((s) => s.labels.state === "ready")
        .length,
      drs_sampler_active: deps.limiter.active,
      drs_sampler_queued: deps.limiter.queued,
    }, [versions]);
    return c.text(body, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
}
