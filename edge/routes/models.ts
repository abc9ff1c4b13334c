/**
 * `GET /v1/models`, `GET /v1/models/:id` and `GET /v1/models/:id/versions/:v`: what each model
 * is, how it samples, and the state of each of its versions (TF Serving's model status). @module
 */

import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { SAMPLER_NAMES, samplerDefaults } from "../../shared/manifest.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { HttpError } from "../errors.ts";
import { documented } from "../openapi/route.ts";
import { errors, json } from "../openapi/responses.ts";
import {
  modelListSchema,
  type modelSchema,
  modelWithVersionsSchema,
  versionSchema,
} from "../openapi/schemas.ts";
import type { LoadedModel } from "../registry.ts";
import { findVersion, versionParam } from "../versions/http.ts";
import { MODEL_ID, VERSION } from "./samples.ts";

/** The public description of a loaded model version. */
export function describeModel(model: LoadedModel): z.infer<typeof modelSchema> {
  const { manifest } = model;
  const { fQuantiles: _table, classes: perClass, ...constants } = manifest.drs;
  // The quantile tables stay in the manifest: 101 numbers per class say little to a client.
  const drs = perClass
    ? { ...constants, classes: perClass.map(({ fQuantiles: _q, ...c }) => c) }
    : constants;
  return {
    id: model.id,
    version: model.version,
    kind: manifest.kind,
    description: manifest.description ?? null,
    latentDim: manifest.latentDim,
    sampleShape: manifest.sampleShape,
    outputRange: manifest.outputRange,
    // Class-conditional models: the labels `class=` takes (by index or name).
    ...(manifest.classes ? { classes: manifest.classes } : {}),
    backend: model.backend.name,
    // true: G+D run on the inference thread, off the thread that answers requests.
    inferenceThread: model.backend.offThread === true,
    drs,
    // What a request that names no sampler (or not its parameters) gets.
    samplers: { ...samplerDefaults(manifest.samplers), available: [...SAMPLER_NAMES] },
    expectedAcceptance: manifest.drs.expectedAcceptance,
    metrics: manifest.metrics ?? null,
    manifestSha256: model.manifestSha256,
  };
}

/**
 * The default version of model `id` (the one unpinned requests get), or 404 (unknown) / 503
 * (refused at load or still loading, with the reason).
 */
export function findModel(deps: AppDeps, id: string): LoadedModel {
  return findVersion(deps, id);
}

/** A model's description (its default version) with every version's state. */
function describeWithVersions(
  deps: AppDeps,
  model: LoadedModel,
): z.infer<typeof modelWithVersionsSchema> {
  return { ...describeModel(model), versions: deps.registry.versions(model.id) ?? [] };
}

const listRoute = createRoute({
  method: "get",
  path: "/v1/models",
  tags: ["Models"],
  summary: "List the models",
  responses: {
    200: json(modelListSchema, "Every model with a version serving; `unavailable`: refusals"),
  },
});

const modelRoute = createRoute({
  method: "get",
  path: "/v1/models/{id}",
  tags: ["Models"],
  summary: "Describe a model",
  description: "The default version (the one unpinned requests get): shapes, DRS constants, " +
    "sampler defaults, metrics from the manifest; and every version's state.",
  request: { params: z.object({ id: MODEL_ID }) },
  responses: {
    200: json(modelWithVersionsSchema, "The model"),
    ...errors({
      404: "`model_not_found`",
      503: "`model_unavailable` (no version serves, with the reason), `not_ready`",
    }),
  },
});

const versionRoute = createRoute({
  method: "get",
  path: "/v1/models/{id}/versions/{v}",
  tags: ["Models"],
  summary: "One version's state",
  request: { params: z.object({ id: MODEL_ID, v: VERSION }) },
  responses: {
    200: json(versionSchema, "Its state, and its description as `model` when ready"),
    ...errors({
      400: "`invalid_parameter`: `v` is not a version number",
      404: "`model_not_found`, `version_not_found`",
      503: "`model_unavailable`, `not_ready` (the model has no version serving)",
    }),
  },
});

/** Model listing routes. */
export function modelRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  return app.openapi(documented(app, listRoute), (c) => {
    c.set("route", "/v1/models");
    return c.json({
      models: deps.registry.models().map((m) => describeWithVersions(deps, m)),
      unavailable: deps.registry.errors(),
    }, 200);
  }).openapi(documented(app, modelRoute), (c) => {
    c.set("route", "/v1/models/:id");
    return c.json(describeWithVersions(deps, findModel(deps, c.req.param("id"))), 200);
  }).openapi(documented(app, versionRoute), (c) => {
    c.set("route", "/v1/models/:id/versions/:v");
    const id = c.req.param("id");
    const version = versionParam(c.req.param("v"));
    const status = deps.registry.versions(id)?.find((v) => v.version === version);
    if (!status) {
      // The same 404 as a sample request for it (unknown model, or unknown version).
      findVersion(deps, id, { version });
      throw new HttpError(404, "version_not_found", `Cannot find version ${version} of '${id}'`);
    }
    const model = deps.registry.get(id, version);
    return c.json({ ...status, ...(model ? { model: describeModel(model) } : {}) }, 200);
  });
}
