/** `GET /healthz` (liveness) and `GET /readyz` (200 once models are loaded). @module */

import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps, AppEnv } from "../deps.ts";
import { HttpError } from "../errors.ts";
import { documented } from "../openapi/route.ts";
import { errors, json } from "../openapi/responses.ts";
import { healthSchema, readySchema } from "../openapi/schemas.ts";

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["Operations"],
  summary: "Liveness",
  responses: { 200: json(healthSchema, "The process runs") },
});

const readyRoute = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["Operations"],
  summary: "Readiness",
  responses: {
    200: json(readySchema, "Models are loaded (`errors`: versions that were refused)"),
    ...errors({
      503: "`not_ready` (models are still loading), `no_models` (none loaded; `details.errors`), " +
        "`restarting` (the inference thread is re-opening the models after its watchdog " +
        "stopped a job), `inference_stopped`",
    }),
  },
});

/** Liveness and readiness routes. */
export function healthRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  return app
    .openapi(documented(app, healthRoute), (c) => {
      c.set("route", "/healthz");
      return c.json({ status: "ok" as const }, 200);
    })
    .openapi(documented(app, readyRoute), (c) => {
      c.set("route", "/readyz");
      const { registry } = deps;
      if (!registry.loaded) {
        throw new HttpError(503, "not_ready", "Cannot serve yet as models are still loading", {
          headers: { "retry-after": "1" },
        });
      }
      const problem = deps.runtimeProblem();
      if (problem) {
        throw new HttpError(503, problem.code, problem.message, {
          headers: { "retry-after": "1" },
        });
      }
      const models = registry.models().map((m) => m.id);
      if (models.length === 0) {
        throw new HttpError(503, "no_models", "Cannot serve as no model loaded", {
          details: { errors: registry.errors() },
        });
      }
      return c.json({ status: "ready" as const, models, errors: registry.errors() }, 200);
    });
}
