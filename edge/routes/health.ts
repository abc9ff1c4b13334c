/** `GET /healthz` (liveness) and `GET /readyz` (200 once models are loaded). @module */

import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../deps.ts";
import { HttpError } from "../errors.ts";

/** Liveness and readiness routes. */
export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/healthz", (c) => {
    c.set("route", "/healthz");
    return c.json({ status: "ok" });
  });
  app.get("/readyz", (c) => {
    c.set("route", "/readyz");
    const { registry } = deps;
    if (!registry.loaded) {
      throw new HttpError(503, "not_ready", "Cannot serve yet as models are still loading", {
        headers: { "retry-after": "1" },
      });
    }
    const models = registry.models().map((m) => m.id);
    if (models.length === 0) {
      throw new HttpError(503, "no_models", "Cannot serve as no model loaded", {
        details: { errors: registry.errors() },
      });
    }
    return c.json({ status: "ready", models, errors: registry.errors() });
  });
  return app;
}
