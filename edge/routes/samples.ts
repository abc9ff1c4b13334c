/**
 * `GET /v1/models/:id/samples` (the default version: the newest ready one, or the configured
 * one) and `GET /v1/models/:id/versions/:v/samples` (version `v`): DRS (or raw) samples as JSON
 * or PNG. @module
 */

import { Hono } from "hono";
import type { Context } from "hono";
import { randomSeed } from "../../shared/rng.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { parseSampleQuery } from "../query.ts";
import {
  etagMatches,
  sampleBody,
  sampleEtag,
  sampleHeaders,
  seededQuery,
} from "../sample_response.ts";
import { leaseVersion, versionHeaders, versionParam } from "../versions/http.ts";

async function samples(deps: AppDeps, c: Context<AppEnv>, version?: number): Promise<Response> {
  // The version is taken for the whole request: a reload meanwhile never changes its answer.
  const lease = leaseVersion(deps, c.req.param("id")!, { version });
  try {
    const model = lease.model;
    const parsed = parseSampleQuery(new URL(c.req.url).searchParams, { forbid: ["v"] });
    const seeded = parsed.seed !== undefined;
    const q = seededQuery(model, parsed, parsed.seed ?? randomSeed());
    const etag = sampleEtag(model, q);
    // A seeded request always gives the same bytes; an unseeded one is a fresh draw.
    const cache = seeded ? "public, max-age=86400" : "no-store";
    const headers = { ...versionHeaders(model), "cache-control": cache };
    const ifNoneMatch = c.req.header("if-none-match");
    if (seeded && ifNoneMatch && etagMatches(ifNoneMatch, etag)) {
      return c.body(null, 304, { ...sampleHeaders(q, etag), ...headers });
    }
    const made = await sampleBody(deps, { model, query: q, signal: c.req.raw.signal });
    return c.body(made.body as Uint8Array<ArrayBuffer>, 200, {
      ...sampleHeaders(q, etag, made),
      ...headers,
      "content-type": made.contentType,
    });
  } finally {
    lease.release();
  }
}

/** The sample routes. */
export function sampleRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/v1/models/:id/samples", (c) => {
    c.set("route", "/v1/models/:id/samples");
    return samples(deps, c);
  });
  app.get("/v1/models/:id/versions/:v/samples", (c) => {
    c.set("route", "/v1/models/:id/versions/:v/samples");
    return samples(deps, c, versionParam(c.req.param("v")));
  });
  return app;
}
