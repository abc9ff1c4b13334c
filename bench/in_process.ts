/**
 * Accepted samples per second through the app (`app.request()`: routing, validation, RNG,
 * DRS, JSON) against the floor, request by request so both see the same machine load.
 *
 * @module
 */

import type { Hono } from "hono";
import type { AppEnv } from "../edge/deps.ts";
import type { LoadedModel } from "../edge/registry.ts";
import { drawSeconds, floorSeconds, parseBatches } from "./floor.ts";

/** One row of the throughput table. */
export interface ThroughputRow {
  backend: string;
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
  /** Warm-up requests. @default {20} */
  warmup?: number;
}

/** Measures one (backend, n) row. */
export async function measureThroughput(
  app: Hono<AppEnv>,
  request: { model: LoadedModel; n: number },
  options: ThroughputOptions = {},
): Promise<ThroughputRow> {
  const { model, n } = request;
  const target = { backend: model.backend, latentDim: model.manifest.latentDim };
  const seconds = options.seconds ?? 3;
  const path = (seed: number) => `/v1/models/${model.id}/samples?n=${n}&seed=${seed}`;
  for (let i = 0; i < (options.warmup ?? 20); i++) {
    const res = await app.request(path(1_000_000 + i));
    await res.arrayBuffer();
    await floorSeconds(target, {
      seed: 1_000_000 + i,
      batches: parseBatches(res.headers.get("x-drs-batches")),
    });
  }
  let served = 0, floor = 0, draws = 0, requests = 0, proposals = 0;
  while (served < seconds) {
    const seed = requests + 1;
    const t0 = performance.now();
    const res = await app.request(path(seed));
    await res.arrayBuffer();
    served += (performance.now() - t0) / 1000;
    if (res.status !== 200) {
      throw new Error(`Cannot benchmark as ${path(seed)} answered ${res.status}`);
    }
    const batches = parseBatches(res.headers.get("x-drs-batches"));
    proposals += batches.reduce((a, b) => a + b, 0);
    floor += await floorSeconds(target, { seed, batches });
    draws += drawSeconds(model.manifest.latentDim, { seed, batches });
    requests++;
  }
  const ratio = served / floor;
  return {
    backend: model.backend.name,
    n,
    requests,
    proposalsPerRequest: proposals / requests,
    servedMs: (served * 1000) / requests,
    floorMs: (floor * 1000) / requests,
    drawsMs: (draws * 1000) / requests,
    acceptedPerSecond: (requests * n) / served,
    floorAcceptedPerSecond: (requests * n) / floor,
    ratio,
    overheadPercent: (ratio - 1) * 100,
  };
}
