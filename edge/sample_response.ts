/**
 * From a validated query to response bytes: gamma resolution, the strong ETag, the limited
 * sampler run and rendering. Shared by the plain and the signed sample routes.
 *
 * @module
 */

import { BackendBusyError } from "../backends/types.ts";
import { sha256HexSync } from "../shared/sha256.ts";
import type { AppDeps } from "./deps.ts";
import { HttpError } from "./errors.ts";
import { ClientOverloadedError, OverloadedError } from "./limiter.ts";
import {
  ALL_CLASSES,
  canonicalQuery,
  MAX_N,
  resolveClass,
  resolveSampler,
  type SampleQuery,
} from "./query.ts";
import { checkReachable } from "./reachable.ts";
import type { LoadedModel } from "./registry.ts";
import { createSamplesJsonWriter, renderPng } from "./render/mod.ts";
import { checkPngSize } from "./render/limits.ts";
import {
  BudgetExhaustedError,
  expectedRate,
  modelOf,
  sample,
  sampleEachClass,
  type SampleRequest,
  type SampleResult,
  type SamplerModel,
  type SamplerSpec,
} from "../sampling/mod.ts";

/**
 * A query whose seed has been chosen, whose class (if any) is resolved to its index and whose
 * sampler is resolved against the model's defaults.
 */
export type SeededQuery = SampleQuery & {
  seed: number;
  label?: number;
  /** `class=all`: `n` samples of each class, class-major. */
  eachClass?: boolean;
  spec: SamplerSpec;
};

/** Resolves a parsed query against its model: seed, class index and sampler. */
export function seededQuery(model: LoadedModel, q: SampleQuery, seed: number): SeededQuery {
  const label = resolveClass(model.manifest, q.class);
  const classes = model.manifest.classes?.length ?? 0;
  if (label === ALL_CLASSES && q.n * classes > MAX_N) {
    throw new HttpError(
      400,
      "invalid_parameter",
      `Cannot sample as 'n' must be at most ${Math.floor(MAX_N / classes)} with 'class=all' ` +
        `(n samples of each of ${classes} classes, at most ${MAX_N} in all): current value is ${q.n}`,
      { details: { parameter: "n", expected: `an integer in 1..${Math.floor(MAX_N / classes)}` } },
    );
  }
  return {
    ...q,
    seed,
    ...(label === ALL_CLASSES ? { eachClass: true } : { label }),
    spec: resolveSampler(model.manifest.samplers, q),
  };
}

/** Samples in the response: `n`, or `n` of each class for `class=all`. */
export function totalSamples(model: LoadedModel, q: SeededQuery): number {
  return q.eachClass ? q.n * (model.manifest.classes?.length ?? 0) : q.n;
}

/** Bytes and headers of one sample response. */
export interface SampleBody {
  body: Uint8Array;
  contentType: string;
  result: SampleResult;
  /**
   * Where the request's time went, in milliseconds (the `Server-Timing` header): waiting for a
   * sampler slot, G+D, latents, decisions and rendering the body.
   */
  timings: { queue: number; gd: number; draws: number; decide: number; render: number };
}

/** A loaded model as the sampling core sees it. */
export function samplerModel(model: LoadedModel): SamplerModel {
  return { ...modelOf(model.manifest, model.backend), callCost: model.callCost };
}

/** The sampling core's request for a validated query. */
export function sampleRequest(q: SeededQuery): SampleRequest {
  return {
    seed: q.seed,
    n: q.n,
    sampler: q.spec,
    label: q.label,
  };
}

/**
 * Strong ETag of a response, known before sampling: the body is a function of the model version
 * and its bytes (pinned by the manifest hash), the backend and the canonical query.
 */
export function sampleEtag(model: LoadedModel, q: SeededQuery): string {
  const key = `${model.id}\nv${model.version}\n${model.manifestSha256}\n${model.backend.name}\n` +
    canonicalQuery(q);
  return `"${sha256HexSync(new TextEncoder().encode(key)).slice(0, 32)}"`;
}

/** True when an `If-None-Match` header matches `etag`. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").map((t) => t.trim().replace(/^W\//, "")).some((t) =>
    t === etag || t === "*"
  );
}

/**
 * Samples under the limiter and renders. Overload, budget exhaustion and a failing backend
 * (G or D threw) answer 503 with `Retry-After`; the backend's error is logged, not returned.
 * When `signal` aborts (the client disconnected) a queued request is dropped and a running one
 * stops before its next G+D call.
 */
export async function sampleBody(
  deps: AppDeps,
  request: { model: LoadedModel; query: SeededQuery; signal?: AbortSignal; client?: string },
): Promise<SampleBody> {
  const { model, query: q, signal, client } = request;
  const { manifest, backend } = model;
  const core = samplerModel(model);
  const req = sampleRequest(q);
  const total = totalSamples(model, q);
  if (q.format === "png") checkPngSize(manifest, { n: total, scale: q.scale });
  checkReachable({ ...q, n: total }, expectedRate(core, req), {
    budget: deps.sampler.budget ?? 100_000,
  });
  // JSON is written as samples are accepted, while G+D runs on the next chunk.
  const json = q.format === "png"
    ? undefined
    : createSamplesJsonWriter(manifest.sampleShape, total);
  let render = 0;
  const onAccepted = json &&
    ((out: Float32Array, range: { from: number; to: number }) => {
      const t0 = performance.now();
      json.write(out, range);
      render += performance.now() - t0;
    });
  const queued = performance.now();
  let queue = 0;
  let result: SampleResult;
  try {
    result = await deps.limiter.run(() => {
      queue = performance.now() - queued;
      // The deadline counts from the request's arrival: time in the queue is spent from it.
      const left = Math.max(1, (deps.sampler.deadlineMs ?? 10_000) - queue);
      const bounds = { ...deps.sampler, deadlineMs: left, signal };
      return q.eachClass
        ? sampleEachClass(core, req, bounds)
        : sample(core, req, { ...bounds, onAccepted });
    }, { signal, client });
  } catch (error) {
    if (signal?.aborted) {
      // The client left: nobody reads this answer, it only shows in the metrics as 499.
      throw new HttpError(499, "client_closed", "Cannot answer as the client closed the request");
    }
    if (error instanceof ClientOverloadedError) {
      deps.metrics.overloaded();
      throw new HttpError(429, "too_many_requests", error.message, {
        headers: { "retry-after": "1" },
      });
    }
    if (error instanceof OverloadedError || error instanceof BackendBusyError) {
      deps.metrics.overloaded();
      throw new HttpError(503, "overloaded", error.message, { headers: { "retry-after": "1" } });
    }
    if (error instanceof BudgetExhaustedError) {
      deps.metrics.budgetExhausted(model, error.reason);
      deps.metrics.sampled(model, { ...error.stats, evaluated: error.evaluated, discarded: 0 });
      throw new HttpError(503, "budget_exhausted", error.message, {
        headers: { "retry-after": "1" },
        details: { reason: error.reason, evaluated: error.evaluated, stats: error.stats },
      });
    }
    deps.metrics.backendError(model);
    console.error(`Model '${model.id}' version ${model.version} failed while sampling:`, error);
    throw new HttpError(
      503,
      "model_error",
      `Cannot sample model '${model.id}' version ${model.version} as its backend failed: ` +
        "retry shortly",
      { headers: { "retry-after": "1" } },
    );
  }
  deps.metrics.sampled(model, {
    ...result.stats,
    evaluated: result.evaluated + result.discarded,
    discarded: result.discarded,
  });
  const rendering = performance.now();
  const timings = () => ({
    queue,
    ...result.timings,
    render: render + performance.now() - rendering,
  });
  if (!json) {
    const body = renderPng(manifest, { x: result.x, n: total }, {
      scale: q.scale,
      columns: q.eachClass ? q.n : undefined,
    });
    return { body, contentType: "image/png", result, timings: timings() };
  }
  // `{"model", "backend", "seed", "n", "drs", "samples", "stats"}`, the samples written directly.
  const head = JSON.stringify({
    model: model.id,
    backend: backend.name,
    seed: q.seed,
    n: total,
    drs: q.spec.kind === "drs",
    ...(q.label !== undefined ? { class: q.label } : {}),
    ...(q.eachClass ? { class: ALL_CLASSES } : {}),
    // Other samplers name themselves (DRS and raw bodies keep the form they always had).
    ...(q.spec.kind === "mh" ? { sampler: "mh", k: q.spec.k } : {}),
    ...(q.spec.kind === "truncation" ? { sampler: "truncation", psi: q.spec.psi } : {}),
  });
  // Raw samples come in one piece at the end; DRS samples are all written by now.
  json.write(result.x, { from: json.written, to: total });
  const encoder = new TextEncoder();
  // Class-conditional models: the class index of each sample (labels in GET /v1/models/:id).
  const classes = result.labels ? `,"classes":[${result.labels.join(",")}]` : "";
  const parts = [
    encoder.encode(`${head.slice(0, -1)},"samples":`),
    json.finish(),
    encoder.encode(`${classes},"stats":${JSON.stringify(result.stats)}}`),
  ];
  const body = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.length;
  }
  return { body, contentType: "application/json; charset=utf-8", result, timings: timings() };
}

/** Descriptions of the `Server-Timing` metrics, as browsers' devtools show them. */
const TIMING_NAMES = {
  queue: "waiting for a sampler slot",
  gd: "G+D",
  draws: "latents and uniforms",
  decide: "accept/reject decisions",
  render: "rendering the body",
} as const;

/** The `Server-Timing` header of a sample response (milliseconds, three decimals). */
export function serverTiming(timings: SampleBody["timings"]): string {
  return (Object.keys(TIMING_NAMES) as (keyof typeof TIMING_NAMES)[])
    .map((name) => `${name};dur=${timings[name].toFixed(3)};desc="${TIMING_NAMES[name]}"`)
    .join(", ");
}

/** Headers that describe how a body was made (not part of the body, so bodies stay identical). */
export function sampleHeaders(
  q: SeededQuery,
  etag: string,
  made?: Pick<SampleBody, "result" | "timings">,
): Record<string, string> {
  const headers: Record<string, string> = { etag, "x-drs-seed": String(q.seed) };
  if (made) {
    headers["x-drs-batches"] = made.result.batches.join(",");
    headers["server-timing"] = serverTiming(made.timings);
  }
  return headers;
}
