/**
 * `GET /v1/s/:model.png` (or `.json`): signed, immutable sample URLs a page on any origin can
 * put in `<img src>`. Tampered or unsigned -> 403, expired -> 410, pinned (`v`) to a retired
 * version -> 410, valid -> cacheable bytes.
 *
 * @module
 */

import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { HOST_PARAM, SIGNATURE_PARAMS, verifyUrl } from "../../shared/signing.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { HttpError } from "../errors.ts";
import { documented } from "../openapi/route.ts";
import { headers } from "../openapi/headers.ts";
import { errors, jsonOrPng } from "../openapi/responses.ts";
import { samplesSchema } from "../openapi/schemas.ts";
import { parseSampleQuery } from "../query.ts";
import { sampleQuerySchema } from "../sample_params.ts";
import {
  etagMatches,
  sampleBody,
  sampleEtag,
  sampleHeaders,
  seededQuery,
} from "../sample_response.ts";
import { leaseVersion, versionHeaders } from "../versions/http.ts";

const CROSS_ORIGIN = {
  "access-control-allow-origin": "*",
  "cross-origin-resource-policy": "cross-origin",
  // Pages embedding the image may read its Server-Timing (PerformanceResourceTiming).
  "timing-allow-origin": "*",
};

/** The parameters of signed URLs: `seed` required, the format is the path's extension. */
const QUERY = {
  forbid: ["format"],
  require: ["seed"],
  ignore: [...SIGNATURE_PARAMS, HOST_PARAM],
} as const;

const signedRoute = createRoute({
  method: "get",
  path: "/v1/s/{file}",
  tags: ["Signed URLs"],
  summary: "Samples from a signed URL",
  description: "What `POST /v1/sign` and `deno task sign` mint: immutable, cacheable samples for " +
    "`<img src>` on any origin. The signature (HMAC-SHA256 over the method, the path and the " +
    "sorted query) is specified in `docs/signed_urls.md`.",
  request: {
    params: z.object({
      file: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}\.(png|json)$/).meta({
        description: "`<model>.png` or `<model>.json`: the model and the format",
        example: "grid25.png",
      }),
    }),
    query: sampleQuerySchema(QUERY).extend({
      exp: z.string().regex(/^[0-9]{1,15}$/).meta({ description: "Expiry, unix seconds" }),
      kid: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).meta({ description: "Signing key id" }),
      sig: z.string().regex(/^[A-Za-z0-9_-]{43}$/).meta({
        description: "base64url HMAC-SHA256 (no padding) of the canonical string",
      }),
      host: z.string().max(255).optional().meta({
        description: "The host the URL is bound to (signed): served only under that host name",
        example: "samples.example",
      }),
    }),
  },
  responses: {
    200: {
      description: "The samples of the signed query, from version `v` when it pins one",
      headers: headers([
        "ETag",
        "Cache-Control",
        "X-DRS-Seed",
        "X-DRS-Batches",
        "X-DRS-Model-Version",
        "Server-Timing",
        "Access-Control-Allow-Origin",
        "Cross-Origin-Resource-Policy",
        "Timing-Allow-Origin",
      ]),
      content: jsonOrPng(samplesSchema),
    },
    304: {
      description: "Not modified (`If-None-Match`)",
      headers: headers(["ETag", "Cache-Control", "X-DRS-Seed", "X-DRS-Model-Version"]),
    },
    ...errors({
      400: "`invalid_parameter`: a signed parameter is invalid (the URL was not minted here)",
      403: "`unsigned`, `bad_signature` (tampered, including a changed or added `v`), " +
        "`unknown_key`, `non_canonical` (not the URL's one spelling), `bad_expiry` (`exp` more " +
        "than the longest lifetime ahead), `wrong_host` (bound to another host), " +
        "`unbound_host` (`DRS_BIND_HOST=on` and no `host`)",
      429: "`too_many_requests`: this client already has its share waiting (`Retry-After`)",
      404: "`not_found` (not `<model>.png|json`), `model_not_found`",
      410: "`expired`; `version_retired` (the pinned version is no longer served; " +
        "`details.versions` lists those that are)",
      503: "`overloaded`, `budget_exhausted`, `model_error`, `not_ready`, `model_unavailable`",
    }),
  },
});

/** Longest life and the parameters of URLs the demo's key signs (the demo's own choices). */
const DEMO_LIMITS = { ttlSeconds: 3 * 3600, n: 256, k: 16 };

/** Refuses a demo-key URL outside what the demo mints: the demo key signs nothing else. */
function checkDemoUrl(q: { n?: number; k?: number; gamma?: number }, ttl: number): void {
  if (ttl > DEMO_LIMITS.ttlSeconds || (q.n ?? 1) > DEMO_LIMITS.n || (q.k ?? 0) > DEMO_LIMITS.k) {
    throw new HttpError(
      403,
      "bad_signature",
      "Cannot serve as the demo's key signs only the demo's short-lived URLs",
      { headers: CROSS_ORIGIN },
    );
  }
}

/** The signed sample route. */
export function signedRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  return app.openapi(documented(app, signedRoute), async (c) => {
    c.set("route", "/v1/s/:file");
    const url = new URL(c.req.url);
    const now = deps.nowSeconds();
    const demo = deps.demoKey.current;
    const verdict = await verifyUrl(url, demo ? [...deps.keys, demo] : deps.keys, {
      now,
      maxTtlSeconds: deps.security.maxTtlSeconds,
      requireHost: deps.security.bindHost,
    });
    if (!verdict.ok) {
      throw new HttpError(verdict.status, verdict.code, verdict.message, { headers: CROSS_ORIGIN });
    }
    const match = /^([a-z0-9][a-z0-9_-]{0,63})\.(png|json)$/.exec(c.req.param("file"));
    if (!match) {
      throw new HttpError(
        404,
        "not_found",
        "Cannot serve as signed paths look like '/v1/s/<model>.png'",
        {
          headers: CROSS_ORIGIN,
        },
      );
    }
    const parsed = parseSampleQuery(url.searchParams, QUERY);
    if (demo && verdict.kid === demo.id) checkDemoUrl(parsed, verdict.expiresAt - now);
    // A URL minted with `v` stays on that version (410 once it is retired); one without is
    // served by the default version, as before versions existed.
    let lease;
    try {
      lease = leaseVersion(deps, match[1], { version: parsed.v, signed: true });
    } catch (error) {
      if (error instanceof HttpError) Object.assign(error.headers, CROSS_ORIGIN);
      throw error;
    }
    try {
      const model = lease.model;
      const q = seededQuery(model, { ...parsed, format: match[2] as "png" | "json" }, parsed.seed!);
      const etag = sampleEtag(model, q);
      // Never cached past `exp`; `immutable` only when pinned to a version (an unpinned URL's
      // bytes change with the default version).
      const maxAge = Math.min(verdict.expiresAt - now, deps.security.maxTtlSeconds);
      const headers = {
        ...CROSS_ORIGIN,
        ...versionHeaders(model),
        "cache-control": `public, max-age=${maxAge}${parsed.v !== undefined ? ", immutable" : ""}`,
      };
      const ifNoneMatch = c.req.header("if-none-match");
      if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) {
        return c.body(null, 304, { ...headers, ...sampleHeaders(q, etag) });
      }
      const made = await sampleBody(deps, {
        model,
        query: q,
        signal: c.req.raw.signal,
        client: c.get("client"),
      });
      return c.body(made.body as Uint8Array<ArrayBuffer>, 200, {
        ...headers,
        ...sampleHeaders(q, etag, made),
        "content-type": made.contentType,
      });
    } finally {
      lease.release();
    }
  });
}
