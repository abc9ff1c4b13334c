/**
 * Drives a running server with autocannon (programmatic API): a mix of JSON and PNG sample
 * requests with fresh seeds, and a tally of every answer (status, `Retry-After` on 503s).
 *
 * @module
 */

import autocannon from "autocannon";

/** Options for {@linkcode runLoad}. */
export interface LoadOptions {
  /** Model id to sample. */
  model: string;
  /** Concurrent connections. @default {64} */
  connections?: number;
  /** Seconds of load. @default {30} */
  seconds?: number;
  /** One request in `pngEvery` asks for a PNG (n=16); the rest JSON with n in 1..16. @default {4} */
  pngEvery?: number;
  /** Called with the running count of answers, about once a second. */
  onProgress?: (answered: number) => void;
}

/** What one load run measured (latencies in milliseconds, autocannon's 1 ms resolution). */
export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number; mean: number };
  statuses: Record<string, number>;
  non2xx: number;
  /** 503 answers that lacked a `Retry-After` header (must be 0). */
  unavailableWithoutRetryAfter: number;
  /** Non-2xx answers other than 503 (must be 0). */
  otherErrors: number;
  errors: number;
  timeouts: number;
  /** JSON and PNG answers seen. */
  mix: { json: number; png: number };
}

/** The path of request `i` of the mix. */
export function mixPath(model: string, i: number, pngEvery = 4): string {
  const seed = (i * 2654435761) >>> 0;
  if (i % pngEvery === pngEvery - 1) {
    return `/v1/models/${model}/samples?n=16&seed=${seed}&format=png`;
  }
  return `/v1/models/${model}/samples?n=${1 + (i % 16)}&seed=${seed}`;
}

/** Runs autocannon against `origin` and tallies the answers. */
export async function runLoad(origin: string, options: LoadOptions): Promise<LoadResult> {
  const connections = options.connections ?? 64;
  const seconds = options.seconds ?? 30;
  const statuses: Record<string, number> = {};
  const mix = { json: 0, png: 0 };
  let counter = 0, answered = 0, missingRetryAfter = 0;
  const instance = autocannon({
    url: origin,
    connections,
    duration: seconds,
    timeout: 30,
    requests: [{
      method: "GET",
      setupRequest: (request: Record<string, unknown>) => ({
        ...request,
        path: mixPath(options.model, counter++, options.pngEvery),
      }),
      onResponse: (
        status: number,
        _body: string,
        _ctx: unknown,
        headers: Record<string, string>,
      ) => {
        answered++;
        statuses[status] = (statuses[status] ?? 0) + 1;
        const type = String(headers["content-type"] ?? headers["Content-Type"] ?? "");
        if (status === 200) type.startsWith("image/png") ? mix.png++ : mix.json++;
        if (status === 503 && !(headers["retry-after"] ?? headers["Retry-After"])) {
          missingRetryAfter++;
        }
      },
    }],
  });
  const timer = setInterval(() => options.onProgress?.(answered), 1000);
  let result;
  try {
    result = await instance;
  } finally {
    clearInterval(timer);
  }
  const non2xx = Object.entries(statuses).filter(([s]) => !s.startsWith("2")).reduce(
    (sum, [, count]) => sum + count,
    0,
  );
  return {
    connections,
    seconds,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / seconds,
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    statuses,
    non2xx,
    unavailableWithoutRetryAfter: missingRetryAfter,
    otherErrors: non2xx - (statuses["503"] ?? 0),
    errors: result.errors,
    timeouts: result.timeouts,
    mix,
  };
}
