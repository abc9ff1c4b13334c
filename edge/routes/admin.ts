/**
 * `POST /v1/admin/reload` (admin bearer token): one reload pass, as on `SIGHUP`. New and
 * changed versions load (hashes verified) while the current ones serve, and swap in when ready;
 * the answer says what changed and where every model's versions stand. On Workers and Deno
 * Deploy the models are the bundle's, so a pass finds nothing new: there, a reload is a deploy.
 *
 * @module
 */

import { Hono } from "hono";
import { requireAdmin } from "../admin_auth.ts";
import type { AppDeps, AppEnv } from "../deps.ts";

/** The admin routes. */
export function adminRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/v1/admin/reload", async (c) => {
    c.set("route", "/v1/admin/reload");
    await requireAdmin(deps, c.req.header("authorization"), {
      action: "reload",
      route: "POST /v1/admin/reload",
    });
    const report = await deps.reload();
    return c.json({
      ...report,
      models: deps.registry.ids().map((id) => ({ id, versions: deps.registry.versions(id) })),
    });
  });
  return app;
}
