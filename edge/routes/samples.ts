/** `GET /v1/models/:id/samples`: DRS (or raw) samples as JSON or PNG. @module */

import { Hono } from "hono";
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
import { findModel } from "./models.ts";

/** The sample route. */
export function sampleRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/v1/models/:id/samples", async (c) => {
    c.set("route", "/v1/models/:id/samples");
    const model = findModel(deps, c.req.param("id"));
    const parsed = parseSampleQuery(new URL(c.req.url).searchParams);
    const seeded = parsed.seed !== undefined;
    const q = seededQuery(model, parsed, parsed.seed ?? randomSeed());
    const etag = sampleEtag(model, q);
    // A seeded request always gives the same bytes; an unseeded one is a fresh draw.
    const cache = seeded ? "public, max-age=86400" : "no-store";
    const ifNoneMatch = c.req.header("if-none-match");
    if (seeded && ifNoneMatch && etagMatches(ifNoneMatch, etag)) {
      return c.body(null, 304, { ...sampleHeaders(q, etag), "cache-control": cache });
    }
    const made = await sampleBody(deps, {
      model,
      query: q,
      signal: c.req.raw.signal,
    });
    return c.body(made.body as Uint8Array<ArrayBuffer>, 200, {
      ...sampleHeaders(q, etag, made),
      "content-type": made.contentType,
      "cache-control": cache,
    });
  });
  return app;
}
