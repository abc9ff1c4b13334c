/**
 * `POST /v1/sign` (admin bearer token): mints a signed sample URL for a backend, pinned to a
 * model version (`version` in the body, else the model's default version). @module
 */

import { Hono } from "hono";
import { z } from "zod";
import { requireAdmin } from "../admin_auth.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { HttpError } from "../errors.ts";
import { signedSampleUrl } from "../signed_url.ts";
import { findVersion } from "../versions/http.ts";
import { resolveClass } from "../query.ts";
import { SAMPLER_NAMES } from "../../shared/manifest.ts";
import { MAX_K } from "../../shared/mh.ts";
import { MAX_PSI } from "../../shared/truncation.ts";
import { MAX_MODEL_VERSION } from "../../shared/model_versions.ts";

/** Longest TTL a signed URL may have: 30 days. */
export const MAX_TTL_SECONDS = 30 * 24 * 3600;

const signBodySchema = z.strictObject({
  model: z.string().min(1).max(64),
  seed: z.number().int().min(0).max(0xffffffff),
  n: z.number().int().min(1).max(256).optional(),
  ttl: z.number().int().min(1).max(MAX_TTL_SECONDS).optional(),
  format: z.enum(["png", "json"]).optional(),
  drs: z.boolean().optional(),
  gamma: z.number().refine(Number.isFinite).optional(),
  acceptance: z.number().gt(0).lt(1).optional(),
  scale: z.number().int().min(1).max(8).optional(),
  class: z.union([z.number().int().min(0).max(9999), z.string().min(1).max(64)]).optional(),
  sampler: z.enum(SAMPLER_NAMES).optional(),
  k: z.number().int().min(2).max(MAX_K).optional(),
  psi: z.number().gt(0).max(MAX_PSI).optional(),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  version: z.number().int().min(1).max(MAX_MODEL_VERSION).optional(),
});

/** The signing route. */
export function signRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/v1/sign", async (c) => {
    c.set("route", "/v1/sign");
    await requireAdmin(deps, c.req.header("authorization"), {
      action: "sign",
      route: "POST /v1/sign",
    });
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new HttpError(400, "invalid_body", "Cannot sign as the body is not valid JSON");
    }
    const parsed = signBodySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.map(String).join(".") ||
        String((issue as { keys?: string[] }).keys?.[0] ?? "(body)");
      throw new HttpError(
        400,
        "invalid_parameter",
        `Cannot sign as '${field}' is invalid: ${issue.message}`,
        {
          details: { parameter: field },
        },
      );
    }
    const { model, ttl = 3600, baseUrl, version, ...params } = parsed.data;
    // Minting pins the version: the one asked for, else the one unpinned requests get now.
    const found = findVersion(deps, model, { version });
    const pinned = found.version;
    // A class the model does not have is refused now, not when the URL is first fetched.
    resolveClass(found.manifest, params.class?.toString());
    const expiresAt = deps.nowSeconds() + ttl;
    const url = await signedSampleUrl(deps.keys[0], { model, ...params, version: pinned }, {
      base: baseUrl ?? new URL(c.req.url).origin,
      expiresAt,
    });
    return c.json({ url: url.href, expiresAt, kid: deps.keys[0].id, version: pinned });
  });
  return app;
}
