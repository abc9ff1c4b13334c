/**
 * Accepted samples per second through the app (`app.request()`: routing, validation, RNG,
 * DRS, JSON) against the floor: the same G+D batches run straight on an in-process backend.
 *
 * @module
 */

import type { Hono } from "hono";
import type { Backend } from "../backends/mod.ts";
import type { AppEnv } from "../edge/deps.ts";
import type { LoadedModel } from "../edge/registry.ts";
import { servedVsFloor } from "./blocks.ts";
import { drawSeconds, floorSeconds, parseBatches } from "./floor.ts";

/** One row of the throughput table. */
export interface ThroughputRow {
  backend: string;
  /** Where G+D ran while serving: `inference thread` or `server thread`. */
  mode: string;
  n: number;
  requests: number;
  /** Mean proposals run through G+D per request. */
  proposalsPerRequest: number;
  /** Mean milliseconds per request: served, floor, and making the draws inline (for scale). */
  servedMs: number;
  floorMs: number;
  drawsMs: number;
  acceptedPerSecond: number;
  floorAcceptedPerSecond: number;
  /** Server time / floor time (1 = no overhead). */
  ratio: number;
  overheadPercent: number;
}

/** Options for {@linkcode measureThroughput}. */
export interface ThroughputOptions {
  /** Seconds of measured requests per row (after warm-up). @default {3} */
  seconds?: number;
  /** Warm-up requests. @default {50} */
  warmup?: number;
}

/** Measures one (backend, mode, n) row; `floor` is an in-process backend of the same model. */
export async function measureThroughput(
  app: Hono<AppEnv>,
  request: {
    model: LoadedModel;
    floor: Backend;
    n: number;
    mode: string;
    /** Extra query parameters, e.g. `sampler=mh&k=8`. */
    query?: string;
  },
  options: ThroughputOptions = {},
): Promise<ThroughputRow> {
  const { model, n } = request;
  const target = {
    backend: request.floor,
    latentDim: model.manifest.latentDim,
    classes: model.manifest.classes?.length,
  };
  const serve = async (seed: number) => {
    const extra = request.query ? `&${request.query}` : "";
    const path = `/v1/models/${model.id}/samples?n=${n}&seed=${seed}${extra}`;
    const res = await app.request(path);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`Cannot benchmark as ${path} answered ${res.status}`);
    return parseBatches(res.headers.get("x-drs-batches"));
  };
  for (let i = 0; i < (options.warmup ?? 50); i++) {
    const batches = await serve(1_000_000 + i);
    await floorSeconds(target, { seed: 1_000_000 + i, batches });
  }
  const total = await servedVsFloor(serve, target, { seconds: options.seconds ?? 3 });
  let draws = 0;
  total.batches.forEach((batches, i) => {
    draws += drawSeconds(model.manifest.latentDim, { seed: i + 1, batches });
  });
  const { requests, servedSeconds: served, floorSeconds: floor } = total;
  const ratio = served / floor;
  return {
    backend: model.backend.name,
    mode: request.mode,
    n,
    requests,
    proposalsPerRequest: total.proposals / requests,
    servedMs: (served * 1000) / requests,
    floorMs: (floor * 1000) / requests,
    drawsMs: (draws * 1000) / requests,
    acceptedPerSecond: (requests * n) / served,
    floorAcceptedPerSecond: (requests * n) / floor,
    ratio,
    overheadPercent: (ratio - 1) * 100,
  };
}
