/**
 * Served time against the floor, measured in alternating blocks: a block of requests back to
 * back, then the same requests' G+D batches replayed back to back on the floor backend. Both
 * sides run warm and in steady state (a thread that sleeps between two timed calls wakes slowly
 * on a virtual CPU), and alternating keeps them under the same machine load.
 *
 * @module
 */

import type { Backend } from "../backends/mod.ts";
import { floorSeconds } from "./floor.ts";

/** Totals of {@linkcode servedVsFloor}. */
export interface ServedVsFloor {
  requests: number;
  /** Proposals run through G+D by the served requests (their `X-DRS-Batches`). */
  proposals: number;
  servedSeconds: number;
  floorSeconds: number;
  /** The replayed batches, request by request. */
  batches: number[][];
}

/** Options for {@linkcode servedVsFloor}. */
export interface BlocksOptions {
  /** Seconds of served requests. @default {3} */
  seconds?: number;
  /** Requests per block. @default {100} */
  block?: number;
}

/**
 * Serves requests `seed = 1, 2, ...` through `serve` (which answers the request's batch sizes)
 * until `seconds` of serving, each block followed by its floor replay on `floor`.
 */
export async function servedVsFloor(
  serve: (seed: number) => Promise<number[]>,
  floor: { backend: Backend; latentDim: number; classes?: number },
  options: BlocksOptions = {},
): Promise<ServedVsFloor> {
  const seconds = options.seconds ?? 3;
  const block = options.block ?? 100;
  const total: ServedVsFloor = {
    requests: 0,
    proposals: 0,
    servedSeconds: 0,
    floorSeconds: 0,
    batches: [],
  };
  while (total.servedSeconds < seconds) {
    const first = total.requests + 1;
    const blockBatches: number[][] = [];
    const t0 = performance.now();
    for (let i = 0; i < block; i++) blockBatches.push(await serve(first + i));
    total.servedSeconds += (performance.now() - t0) / 1000;
    for (const [i, batches] of blockBatches.entries()) {
      total.floorSeconds += await floorSeconds(floor, { seed: first + i, batches });
      total.proposals += batches.reduce((a, b) => a + b, 0);
    }
    total.requests += block;
    total.batches.push(...blockBatches);
  }
  return total;
}
