/**
 * `GET /v1/models`, `GET /v1/models/:id` and `GET /v1/models/:id/versions/:v`: what each model
 * is, how it samples, and the state of each of its versions (TF Serving's model status). @module
 */

import { Hono } from "hono";
import { SAMPLER_NAMES, samplerDefaults } from "../../shared/manifest.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { HttpError } from "../errors.ts";
import type { LoadedModel } from "../registry.ts";
import { findVersion, versionParam } from "../versions/http.ts";

/** The public description of a loaded model version. */
export function describeModel(model: LoadedModel): Record<string, unknown> {
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
    samplers: { ...samplerDefaults(manifest.samplers), available: SAMPLER_NAMES },
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
function describeWithVersions(deps: AppDeps, model: LoadedModel): Record<string, unknown> {
  return { ...describeModel(model), versions: deps.registry.versions(model.id) ?? [] };
}

/** Model listing routes. */
export function modelRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/v1/models", (c) => {
    c.set("route", "/v1/models");
    return c.json({
      models: deps.registry.models().map((m) => describeWithVersions(deps, m)),
      unavailable: deps.registry.errors(),
    });
  });
  app.get("/v1/models/:id", (c) => {
    c.set("route", "/v1/models/:id");
    return c.json(describeWithVersions(deps, findModel(deps, c.req.param("id"))));
  });
  app.get("/v1/models/:id/versions/:v", (c) => {
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
    return c.json({ ...status, ...(model ? { model: describeModel(model) } : {}) });
  });
  return app;
}
