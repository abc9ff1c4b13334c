/**
 * Over real HTTP on loopback: latency of single-sample requests, and accepted samples per
 * second at n = 256 against the floor replayed in this process.
 *
 * @module
 */

import type { Backend } from "../backends/mod.ts";
import { servedVsFloor } from "./blocks.ts";
import { parseBatches, quantile } from "./floor.ts";

/** Latency of sequential single-sample requests (one connection, keep-alive). */
export interface LatencyResult {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

/** Options for {@linkcode measureLatency}. */
export interface LatencyOptions {
  /** Measured requests. @default {2000} */
  requests?: number;
  /** Warm-up requests. @default {100} */
  warmup?: number;
}

/** p50 / p99 of `GET /v1/models/:id/samples?n=1&seed=i` over HTTP. */
export async function measureLatency(
  origin: string,
  model: string,
  options: LatencyOptions = {},
): Promise<LatencyResult> {
  const requests = options.requests ?? 2000;
  const get = async (seed: number) => {
    const res = await fetch(`${origin}/v1/models/${model}/samples?n=1&seed=${seed}`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`Cannot benchmark as a request answered ${res.status}`);
  };
  for (let i = 0; i < (options.warmup ?? 100); i++) await get(2_000_000 + i);
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    await get(i + 1);
    times.push(performance.now() - t0);
  }
  return {
    requests,
    p50Ms: quantile(times, 0.5),
    p99Ms: quantile(times, 0.99),
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
  };
}

/** HTTP throughput row for one n. */
export interface HttpThroughput {
  n: number;
  requests: number;
  acceptedPerSecond: number;
  floorAcceptedPerSecond: number;
  ratio: number;
  overheadPercent: number;
}

/** Options for {@linkcode measureHttpThroughput}. */
export interface HttpThroughputOptions {
  /** Samples per request. @default {256} */
  n?: number;
  /** Seconds of measured requests. @default {3} */
  seconds?: number;
}

/**
 * Sequential requests of `n` samples over HTTP for about `seconds`, against the floor replayed
 * on `model.backend` (an in-process backend in this process) in alternating blocks.
 */
export async function measureHttpThroughput(
  origin: string,
  model: { id: string; backend: Backend; latentDim: number },
  options: HttpThroughputOptions = {},
): Promise<HttpThroughput> {
  const n = options.n ?? 256;
  const seconds = options.seconds ?? 3;
  for (let i = 0; i < 10; i++) {
    await (await fetch(`${origin}/v1/models/${model.id}/samples?n=${n}&seed=${3_000_000 + i}`))
      .arrayBuffer();
  }
  const total = await servedVsFloor(
    async (seed) => {
      const res = await fetch(`${origin}/v1/models/${model.id}/samples?n=${n}&seed=${seed}`);
      await res.arrayBuffer();
      if (res.status !== 200) {
        throw new Error(`Cannot benchmark as a request answered ${res.status}`);
      }
      return parseBatches(res.headers.get("x-drs-batches"));
    },
    model,
    { seconds },
  );
  const { requests, servedSeconds: served, floorSeconds: floor } = total;
  const ratio = served / floor;
  return {
    n,
    requests,
    acceptedPerSecond: (requests * n) / served,
    floorAcceptedPerSecond: (requests * n) / floor,
    ratio,
    overheadPercent: (ratio - 1) * 100,
  };
}
