/**
 * Model versions as the routes see them: a lease on the version a request names (or the default
 * one), and one HTTP answer for each reason there is none: unknown model or version 404, retired
 * 410, failed 503 with the reason, still loading 503 with `Retry-After`.
 *
 * @module
 */

import { MAX_MODEL_VERSION, parseModelVersion } from "../../shared/model_versions.ts";
import type { AppDeps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import type { LoadedModel } from "../model_types.ts";
import type { Lease } from "./held.ts";
import type { VersionMiss } from "./slots.ts";

/** Options for {@linkcode leaseVersion}. */
export interface VersionRequest {
  /** The version asked for. @default {undefined} (the model's default version) */
  version?: number;
  /**
   * A signed URL asks: a version the server does not have was there when the URL was minted,
   * so it is gone (410) rather than unknown (404). @default {false}
   */
  signed?: boolean;
}

function shown(id: string): string {
  return id.length > 64 ? `${id.slice(0, 64)}...` : id;
}

function served(deps: AppDeps, id: string): number[] {
  return (deps.registry.versions(id) ?? []).filter((v) => v.state === "ready").map((v) =>
    v.version
  );
}

/** The HTTP error for a request that cannot be served `miss`. */
export function missError(
  deps: AppDeps,
  id: string,
  request: VersionRequest & { miss: VersionMiss },
): HttpError {
  const { miss } = request;
  const asked = request.version !== undefined;
  const which = miss.miss !== "model" && asked ? ` version ${miss.version}` : "";
  if (miss.miss === "model") {
    return new HttpError(404, "model_not_found", `Cannot find model '${shown(id)}'`, {
      details: { available: deps.registry.models().map((m) => m.id) },
    });
  }
  const details = { model: id, version: miss.version, versions: served(deps, id) };
  if (miss.miss === "retired" || (miss.miss === "version" && request.signed)) {
    return new HttpError(
      410,
      "version_retired",
      `Cannot serve model '${id}' version ${miss.version} as it was retired: ` +
        (request.signed ? "mint a new URL" : "ask for a version being served"),
      { details },
    );
  }
  if (miss.miss === "version") {
    return new HttpError(
      404,
      "version_not_found",
      `Cannot find version ${miss.version} of model '${id}'`,
      { details },
    );
  }
  if (miss.miss === "loading") {
    return new HttpError(
      503,
      "not_ready",
      `Cannot serve model '${id}'${which} yet as it is still loading`,
      { details, headers: { "retry-after": "1" } },
    );
  }
  return new HttpError(
    503,
    "model_unavailable",
    `Cannot serve model '${id}'${which} as it failed to load`,
    {
      details: { ...details, reason: miss.reason ?? "unknown" },
    },
  );
}

/** A lease on the version `request` names (or the default one), or the HTTP error. */
export function leaseVersion(deps: AppDeps, id: string, request: VersionRequest = {}): Lease {
  const got = deps.registry.acquire(id, request.version);
  if ("miss" in got) throw missError(deps, id, { ...request, miss: got });
  return got;
}

/** The loaded version `request` names (or the default one) without a lease, or the HTTP error. */
export function findVersion(
  deps: AppDeps,
  id: string,
  request: VersionRequest = {},
): LoadedModel {
  const lease = leaseVersion(deps, id, request);
  lease.release();
  return lease.model;
}

/** The `:v` path parameter as a version, or 400 naming it. */
export function versionParam(text: string): number {
  const version = parseModelVersion(text);
  if (version === undefined) {
    const value = text.length > 40 ? `${text.slice(0, 40)}...` : text;
    throw new HttpError(
      400,
      "invalid_parameter",
      `Cannot answer as the version must be an integer in 1..${MAX_MODEL_VERSION}: current value ` +
        `is '${value}'`,
      { details: { parameter: "v" } },
    );
  }
  return version;
}

/** The header that names the version a sample body came from. */
export function versionHeaders(model: LoadedModel): Record<string, string> {
  return { "x-drs-model-version": String(model.version) };
}
