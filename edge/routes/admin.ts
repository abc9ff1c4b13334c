/**
 * `POST /v1/admin/reload` (admin bearer token): one reload pass, as on `SIGHUP`. New and
 * changed versions load (hashes verified) while the current ones serve, and swap in when ready;
 * the answer says what changed and where every model's versions stand. On Workers and Deno
 * Deploy the models are the bundle's, so a pass finds nothing new: there, a reload is a deploy.
 *
 * @module
 */

import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { requireAdmin } from "../admin_auth.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { documented } from "../openapi/route.ts";
import { ADMIN_ERRORS, BEARER } from "../openapi/security.ts";
import { json } from "../openapi/responses.ts";
import { reloadSchema } from "../openapi/schemas.ts";

const reloadRoute = createRoute({
  method: "post",
  path: "/v1/admin/reload",
  tags: ["Operations"],
  summary: "Reload the models",
  description: "One reload pass, as on `SIGHUP`: new and changed versions load (hashes " +
    "verified) while the current ones serve, and swap in when ready. Off without " +
    "`DRS_ADMIN_TOKEN`.",
  security: BEARER,
  responses: {
    200: json(reloadSchema, "What changed, and where every model's versions stand"),
    ...ADMIN_ERRORS,
  },
});

/** The admin routes. */
export function adminRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  return app.openapi(documented(app, reloadRoute), async (c) => {
    c.set("route", "/v1/admin/reload");
    await requireAdmin(deps, c.req.header("authorization"), {
      action: "reload",
      route: "POST /v1/admin/reload",
    });
    const report = await deps.reload();
    return c.json({
      ...report,
      models: deps.registry.ids().map((id) => ({ id, versions: deps.registry.versions(id) ?? [] })),
    }, 200);
  });
}
