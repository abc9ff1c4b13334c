/**
 * `deno task bench [--models DIR] [--model ID] [--backends onnx,wasm] [--seconds S]
 * [--latency-requests N]`: accepted samples/s for n = 1, 16, 256 on each backend against the
 * floor (the same G+D batches run straight on the backend), p50/p99 latency of single-sample
 * HTTP requests on loopback, and HTTP throughput at n = 256. Writes
 * `bench/results/sampler.json` and `bench/results/sampler.md`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { importSigningKey } from "../shared/signing.ts";
import { createApp } from "../edge/app.ts";
import type { BackendName } from "../edge/backends/mod.ts";
import { openBackend } from "../edge/backends/open.ts";
import { denoWasmPaths } from "../edge/backends/wasm_paths.ts";
import { fsModelSource } from "../edge/fs_source.ts";
import { createRegistry } from "../edge/registry.ts";
import { createWorkerDraws } from "../edge/worker_draws.ts";
import {
  type HttpThroughput,
  type LatencyResult,
  measureHttpThroughput,
  measureLatency,
} from "./http.ts";
import { measureThroughput, type ThroughputRow } from "./in_process.ts";
import { markdownReport } from "./report.ts";
import { startServer } from "./server_process.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    models: { type: "string", default: "models" },
    model: { type: "string", default: "grid25" },
    backends: { type: "string", default: "onnx,wasm" },
    seconds: { type: "string", default: "3" },
    "latency-requests": { type: "string", default: "2000" },
    out: { type: "string", default: "bench/results" },
    "draw-worker": { type: "string", default: "1" },
    chunk: { type: "string", default: "256" },
  },
  strict: true,
});
const seconds = Number(flags.seconds);
const backends = flags.backends.split(",") as BackendName[];

/** Results of one backend. */
interface BackendResult {
  backend: BackendName;
  throughput: ThroughputRow[];
  latency: LatencyResult;
  http: HttpThroughput;
}

const results: BackendResult[] = [];
for (const name of backends) {
  const registry = createRegistry(
    fsModelSource(flags.models),
    (init) => openBackend(name, init, { wasm: { wasmPaths: denoWasmPaths() } }),
  );
  await registry.load();
  const model = registry.get(flags.model);
  if (!model) {
    throw new Error(
      `Cannot benchmark '${flags.model}' on ${name}: ${JSON.stringify(registry.errors())}`,
    );
  }
  const key = await importSigningKey("bench", crypto.randomUUID() + crypto.randomUUID());
  // One request at a time, as in the measurement loop; draws and chunks as edge/main.ts does.
  const worker = flags["draw-worker"] !== "0" ? createWorkerDraws() : undefined;
  const limits = worker ? { draws: worker.draws, chunk: Number(flags.chunk) } : {};
  const app = createApp({ registry, keys: [key], limits: { concurrency: 1, ...limits } });
  const throughput: ThroughputRow[] = [];
  for (const n of [1, 16, 256]) {
    const row = await measureThroughput(app, { model, n }, { seconds });
    console.log(
      `${name} n=${n}: ${row.acceptedPerSecond.toFixed(0)} accepted/s, floor ${
        row.floorAcceptedPerSecond.toFixed(0)
      }/s, ratio ${row.ratio.toFixed(3)} (${row.requests} requests, ${
        row.proposalsPerRequest.toFixed(0)
      } proposals each)`,
    );
    throughput.push(row);
  }
  worker?.close();
  const server = await startServer({
    env: {
      DRS_BACKEND: name,
      DRS_MODELS_DIR: flags.models,
      DRS_DRAW_WORKER: flags["draw-worker"],
      DRS_CHUNK: flags.chunk,
    },
  });
  try {
    const latency = await measureLatency(server.origin, flags.model, {
      requests: Number(flags["latency-requests"]),
    });
    console.log(
      `${name} HTTP n=1: p50 ${latency.p50Ms.toFixed(3)} ms, p99 ${latency.p99Ms.toFixed(3)} ms`,
    );
    const http = await measureHttpThroughput(
      server.origin,
      {
        id: model.id,
        backend: model.backend,
        latentDim: model.manifest.latentDim,
      },
      { n: 256, seconds },
    );
    console.log(
      `${name} HTTP n=256: ${http.acceptedPerSecond.toFixed(0)} accepted/s, ratio ${
        http.ratio.toFixed(3)
      }`,
    );
    results.push({ backend: name, throughput, latency, http });
  } finally {
    await server.stop();
  }
  await registry.dispose();
}

const report = {
  model: flags.model,
  command: `deno task bench ${Deno.args.join(" ")}`.trim(),
  machine: { cpus: navigator.hardwareConcurrency, deno: Deno.version.deno, os: Deno.build.os },
  drawWorker: flags["draw-worker"] !== "0",
  chunk: Number(flags.chunk),
  results,
};
await Deno.mkdir(flags.out, { recursive: true });
await Deno.writeTextFile(`${flags.out}/sampler.json`, JSON.stringify(report, null, 2) + "\n");
await Deno.writeTextFile(`${flags.out}/sampler.md`, markdownReport(report));
console.log(markdownReport(report));
