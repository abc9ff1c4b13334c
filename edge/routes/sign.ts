/**
 * `POST /v1/sign` (admin bearer token): mints a signed sample URL for a backend, pinned to a
 * model version (`version` in the body, else the model's default version). @module
 */

import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { requireAdmin } from "../admin_auth.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { HttpError } from "../errors.ts";
import { documented } from "../openapi/route.ts";
import { errors, json } from "../openapi/responses.ts";
import { signedSchema } from "../openapi/schemas.ts";
import { ADMIN_ERRORS, BEARER } from "../openapi/security.ts";
import { pngSize } from "../render/limits.ts";
import { signedSampleUrl } from "../signed_url.ts";
import { findVersion } from "../versions/http.ts";
import { resolveClass } from "../query.ts";
import { SAMPLE_PARAMS, type SampleParam, type SampleParamSpec } from "../sample_params.ts";
import { MAX_MODEL_VERSION } from "../../shared/model_versions.ts";

/** Longest TTL a signed URL may have: 30 days. */
export const MAX_TTL_SECONDS = 30 * 24 * 3600;

/** A sample parameter's value, described, as an optional body field. */
function param<K extends SampleParam>(key: K): z.ZodOptional<(typeof SAMPLE_PARAMS)[K]["value"]> {
  const spec: SampleParamSpec = SAMPLE_PARAMS[key];
  return spec.value.meta({ description: spec.description }).optional() as z.ZodOptional<
    (typeof SAMPLE_PARAMS)[K]["value"]
  >;
}

/** The body: the sample parameters a signed URL pins (as JSON values), and how to sign it. */
const signBodySchema = z.strictObject({
  model: z.string().min(1).max(64).meta({ description: "Model id" }),
  seed: SAMPLE_PARAMS.seed.value.optional().meta({
    description: "Seed (one URL, one image); or `seeds`",
  }),
  seeds: z.array(SAMPLE_PARAMS.seed.value).min(1).max(64).optional().meta({
    description: "Several seeds: one URL each (a gallery), in one call",
  }),
  srcset: z.array(z.number().int().min(1).max(8)).min(1).max(4).optional().meta({
    description: "PNG scales to mint for each seed (e.g. [1, 2] for 1x and 2x), with an " +
      "`<img srcset>` snippet each",
  }),
  n: param("n"),
  ttl: z.number().int().min(1).max(MAX_TTL_SECONDS).optional().meta({
    description: `Seconds until the URL expires (1..${MAX_TTL_SECONDS}, 30 days; default 3600)`,
  }),
  format: param("format"),
  drs: param("drs"),
  gamma: param("gamma"),
  acceptance: param("acceptance"),
  scale: param("scale"),
  class: z.union([z.number().int().min(0).max(9999), z.string().min(1).max(64)]).optional()
    .meta({ description: SAMPLE_PARAMS.class.description }),
  sampler: param("sampler"),
  k: param("k"),
  psi: param("psi"),
  baseUrl: z.url({ protocol: /^https?$/ }).optional().meta({
    description: "Origin of the URL (default: this request's)",
  }),
  version: z.number().int().min(1).max(MAX_MODEL_VERSION).optional().meta({
    description: "Model version to pin (default: the model's default version)",
  }),
  bindHost: z.boolean().optional().meta({
    description: "Bind the URL to the host of `baseUrl` (the signed `host` parameter): served " +
      "only under that name (default: true when the server has `DRS_BIND_HOST=on`)",
  }),
}).meta({ id: "SignRequest" });

const signRoute = createRoute({
  method: "post",
  path: "/v1/sign",
  tags: ["Signed URLs"],
  summary: "Mint a signed sample URL",
  description: "A signed URL for `<img src>`, pinned to a model version (admin). Off without " +
    "`DRS_ADMIN_TOKEN`.",
  security: BEARER,
  request: {
    body: { required: true, content: { "application/json": { schema: signBodySchema } } },
  },
  responses: {
    200: json(signedSchema, "The URL"),
    ...ADMIN_ERRORS,
    ...errors({
      400: "`invalid_body` (not JSON), `invalid_parameter` (named in `details.parameter`)",
      503: "`model_unavailable`, `not_ready`",
    }),
  },
});

/** The signing route. */
export function signRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  return app.openapi(documented(app, signRoute), async (c) => {
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
    const { model, ttl = 3600, baseUrl, version, seed, seeds, srcset, bindHost, ...params } =
      parsed.data;
    if ((seed === undefined) === (seeds === undefined)) {
      throw new HttpError(
        400,
        "invalid_parameter",
        "Cannot sign as exactly one of 'seed' and 'seeds' must be given",
        {
          details: { parameter: "seed" },
        },
      );
    }
    if (ttl > deps.security.maxTtlSeconds) {
      throw new HttpError(
        400,
        "invalid_parameter",
        `Cannot sign as 'ttl' must be at most ${deps.security.maxTtlSeconds} s on this server`,
        { details: { parameter: "ttl" } },
      );
    }
    if (srcset && params.format === "json") {
      throw new HttpError(400, "invalid_parameter", "Cannot sign as 'srcset' is for PNG images", {
        details: { parameter: "srcset" },
      });
    }
    // Minting pins the version: the one asked for, else the one unpinned requests get now.
    const found = findVersion(deps, model, { version });
    const pinned = found.version;
    // A class the model does not have is refused now, not when the URL is first fetched.
    resolveClass(found.manifest, params.class?.toString());
    const expiresAt = deps.nowSeconds() + ttl;
    const scales = srcset ?? [params.scale ?? 1];
    const urls: { seed: number; scale: number; url: string }[] = [];
    for (const s of seeds ?? [seed!]) {
      for (const scale of scales) {
        const url = await signedSampleUrl(deps.keys[0], {
          model,
          ...params,
          seed: s,
          ...(srcset || params.scale !== undefined ? { scale } : {}),
          version: pinned,
        }, {
          base: baseUrl ?? new URL(c.req.url).origin,
          expiresAt,
          bindHost: bindHost ?? deps.security.bindHost,
        });
        urls.push({ seed: s, scale, url: url.href });
      }
    }
    const images = srcset && (seeds ?? [seed!]).map((s) => {
      const mine = urls.filter((u) => u.seed === s);
      const set = mine.map((u) => `${u.url} ${u.scale}x`).join(", ");
      const { width, height } = pngSize(found.manifest, { n: params.n ?? 1, scale: mine[0].scale });
      const alt =
        `${params.n ?? 1} generated ${found.manifest.kind === "image" ? "image" : "plot"}` +
        `${(params.n ?? 1) > 1 ? "s" : ""} from ${model} (seed ${s})`;
      const html = `<img src="${mine[0].url}" srcset="${set}" width="${width}" ` +
        `height="${height}" alt="${alt}" loading="lazy" decoding="async">`;
      return { seed: s, srcset: set, html };
    });
    return c.json({
      url: urls[0].url,
      expiresAt,
      kid: deps.keys[0].id,
      version: pinned,
      urls,
      ...(images ? { srcset: images } : {}),
    }, 200);
  });
}
