/** `GET /v1/models` and `GET /v1/models/:id`: what each model is and how it samples. @module */

import { Hono } from "hono";
import { SAMPLER_NAMES, samplerDefaults } from "../../shared/manifest.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { HttpError } from "../errors.ts";
import type { LoadedModel } from "../registry.ts";

/** The public description of a loaded model. */
export function describeModel(model: LoadedModel): Record<string, unknown> {
  const { manifest } = model;
  const { fQuantiles: _table, classes: perClass, ...constants } = manifest.drs;
  // The quantile tables stay in the manifest: 101 numbers per class say little to a client.
  const drs = perClass
    ? { ...constants, classes: perClass.map(({ fQuantiles: _q, ...c }) => c) }
    : constants;
  return {
    id: model.id,
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

/** The loaded model `id`, or 404 (unknown) / 503 (refused at load, with the reason). */
export function findModel(deps: AppDeps, id: string): LoadedModel {
  const model = deps.registry.get(id);
  if (model) return model;
  const failed = deps.registry.errors().find((e) => e.id === id);
  if (failed) {
    throw new HttpError(
      503,
      "model_unavailable",
      `Cannot serve model '${id}' as it failed to load`,
      {
        details: { reason: failed.message },
      },
    );
  }
  const shown = id.length > 64 ? `${id.slice(0, 64)}...` : id;
  throw new HttpError(404, "model_not_found", `Cannot find model '${shown}'`, {
    details: { available: deps.registry.models().map((m) => m.id) },
  });
}

/** Model listing routes. */
export function modelRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/v1/models", (c) => {
    c.set("route", "/v1/models");
    return c.json({
      models: deps.registry.models().map(describeModel),
      unavailable: deps.registry.errors(),
    });
  });
  app.get("/v1/models/:id", (c) => {
    c.set("route", "/v1/models/:id");
    return c.json(describeModel(findModel(deps, c.req.param("id"))));
  });
  return app;
}
