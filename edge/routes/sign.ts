/** `POST /v1/sign` (admin bearer token): mints a signed sample URL for a backend. @module */

import { Hono } from "hono";
import { z } from "zod";
import { SAMPLER_NAMES } from "../../shared/manifest.ts";
import { MAX_K } from "../../shared/mh.ts";
import { MAX_PSI } from "../../shared/truncation.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { HttpError } from "../errors.ts";
import { signedSampleUrl } from "../signed_url.ts";
import { resolveClass } from "../query.ts";
import { findModel } from "./models.ts";

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
});

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** Compares a bearer token with the configured one without an early exit. */
export async function tokenMatches(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** The signing route. */
export function signRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/v1/sign", async (c) => {
    c.set("route", "/v1/sign");
    if (!deps.adminToken) {
      throw new HttpError(
        404,
        "not_found",
        "Cannot sign as POST /v1/sign is disabled: set DRS_ADMIN_TOKEN",
      );
    }
    const auth = c.req.header("authorization") ?? "";
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    if (!token || !(await tokenMatches(token, deps.adminToken))) {
      throw new HttpError(
        401,
        "unauthorized",
        "Cannot sign as the bearer token is missing or wrong",
        {
          headers: { "www-authenticate": 'Bearer realm="drs-edge"' },
        },
      );
    }
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
    const { model, ttl = 3600, baseUrl, ...params } = parsed.data;
    // A class the model does not have is refused now, not when the URL is first fetched.
    resolveClass(findModel(deps, model).manifest, params.class?.toString());
    const expiresAt = deps.nowSeconds() + ttl;
    const url = await signedSampleUrl(deps.keys[0], { model, ...params }, {
      base: baseUrl ?? new URL(c.req.url).origin,
      expiresAt,
    });
    return c.json({ url: url.href, expiresAt, kid: deps.keys[0].id });
  });
  return app;
}
