/**
 * `GET /v1/s/:model.png` (or `.json`): signed, immutable sample URLs a page on any origin can
 * put in `<img src>`. Tampered or unsigned -> 403, expired -> 410, pinned (`v`) to a retired
 * version -> 410, valid -> cacheable bytes.
 *
 * @module
 */

import { Hono } from "hono";
import { SIGNATURE_PARAMS, verifyUrl } from "../../shared/signing.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { HttpError } from "../errors.ts";
import { parseSampleQuery } from "../query.ts";
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

/** The signed sample route. */
export function signedRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/v1/s/:file", async (c) => {
    c.set("route", "/v1/s/:file");
    const url = new URL(c.req.url);
    const now = deps.nowSeconds();
    const verdict = await verifyUrl(url, deps.keys, { now });
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
    const parsed = parseSampleQuery(url.searchParams, {
      forbid: ["format"],
      require: ["seed"],
      ignore: SIGNATURE_PARAMS,
    });
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
      const headers = {
        ...CROSS_ORIGIN,
        ...versionHeaders(model),
        "cache-control": `public, max-age=${verdict.expiresAt - now}, immutable`,
      };
      const ifNoneMatch = c.req.header("if-none-match");
      if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) {
        return c.body(null, 304, { ...headers, ...sampleHeaders(q, etag) });
      }
      const made = await sampleBody(deps, { model, query: q, signal: c.req.raw.signal });
      return c.body(made.body as Uint8Array<ArrayBuffer>, 200, {
        ...headers,
        ...sampleHeaders(q, etag, made),
        "content-type": made.contentType,
      });
    } finally {
      lease.release();
    }
  });
  return app;
}
