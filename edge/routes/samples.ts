/**
 * `GET /v1/models/:id/samples` (the default version: the newest ready one, or the configured
 * one) and `GET /v1/models/:id/versions/:v/samples` (version `v`): DRS (or raw) samples as JSON
 * or PNG. @module
 */

import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import { randomSeed } from "../../shared/rng.ts";
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
import { leaseVersion, versionHeaders, versionParam } from "../versions/http.ts";

/** Path parameters: the model id, and the version where the path names one. */
export const MODEL_ID = z.string().meta({
  description: "Model id, e.g. `grid25`",
  example: "grid25",
});
export const VERSION = z.number().int().min(1).meta({ description: "Model version", example: 1 });

/** The parameters of the plain sample routes (`v` is signed URLs'; the path names a version). */
const QUERY = { forbid: ["v"] } as const;

const SAMPLE_ANSWERS = {
  200: {
    description: "Samples as JSON (`format=json`, the default) or a PNG (`format=png`)",
    headers: headers([
      "ETag",
      "Cache-Control",
      "X-DRS-Seed",
      "X-DRS-Batches",
      "X-DRS-Model-Version",
      "Server-Timing",
    ]),
    content: jsonOrPng(samplesSchema),
  },
  304: {
    description: "Not modified: a seeded request whose `If-None-Match` matches its ETag",
    headers: headers(["ETag", "Cache-Control", "X-DRS-Seed", "X-DRS-Model-Version"]),
  },
  ...errors({
    400: "`invalid_parameter`: a parameter is unknown, repeated, invalid, conflicts with " +
      "another, or asks for more than the budget allows (named in `details.parameter`)",
    403: "`unsigned_denied`: the server serves signed URLs only (`DRS_UNSIGNED=deny`)",
    404: "`model_not_found`, `version_not_found`",
    429: "`too_many_requests`: this client already has its share waiting (`Retry-After`)",
    503: "`overloaded` (queue full), `budget_exhausted` (proposal budget or deadline ran out; " +
      "partial `stats` in `details`), `model_error` (the backend failed), `not_ready` (still " +
      "loading), `model_unavailable` (it failed to load, with the reason)",
  }),
} as const;

const SAMPLES_DESCRIPTION = "Samples from the model's default version (the newest ready one, " +
  "or `DRS_DEFAULT_VERSIONS`), filtered by the sampler asked for. The same model version, seed " +
  "and options give the same bytes on every runtime.";

const samplesRoute = createRoute({
  method: "get",
  path: "/v1/models/{id}/samples",
  tags: ["Samples"],
  summary: "Draw samples",
  description: SAMPLES_DESCRIPTION,
  request: {
    params: z.object({ id: MODEL_ID }),
    query: sampleQuerySchema(QUERY),
  },
  responses: SAMPLE_ANSWERS,
});

const versionSamplesRoute = createRoute({
  method: "get",
  path: "/v1/models/{id}/versions/{v}/samples",
  tags: ["Samples"],
  summary: "Draw samples from one version",
  description: "The same as `/v1/models/{id}/samples`, from version `v`.",
  request: {
    params: z.object({ id: MODEL_ID, v: VERSION }),
    query: sampleQuerySchema(QUERY),
  },
  responses: {
    ...SAMPLE_ANSWERS,
    ...errors({ 410: "`version_retired`: the version was served once and is gone" }),
  },
});

async function samples(deps: AppDeps, c: Context<AppEnv>, version?: number): Promise<Response> {
  if (deps.security.unsigned === "deny") {
    throw new HttpError(
      403,
      "unsigned_denied",
      "Cannot sample as this server serves signed URLs only (DRS_UNSIGNED=deny): use /v1/s/...",
    );
  }
  // The version is taken for the whole request: a reload meanwhile never changes its answer.
  const lease = leaseVersion(deps, c.req.param("id")!, { version });
  try {
    const model = lease.model;
    const parsed = parseSampleQuery(new URL(c.req.url).searchParams, QUERY);
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
    const made = await sampleBody(deps, {
      model,
      query: q,
      signal: c.req.raw.signal,
      client: c.get("client"),
    });
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
export function sampleRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  return app
    .openapi(documented(app, samplesRoute), (c) => {
      c.set("route", "/v1/models/:id/samples");
      return samples(deps, c);
    })
    .openapi(documented(app, versionSamplesRoute), (c) => {
      c.set("route", "/v1/models/:id/versions/:v/samples");
      return samples(deps, c, versionParam(c.req.param("v")));
    });
}
