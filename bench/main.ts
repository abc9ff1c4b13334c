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
import type { BackendName } from "../backends/mod.ts";
import { openBackend } from "../backends/open.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { fsModelSource } from "../edge/fs_source.ts";
import { createRegistry } from "../edge/registry.ts";
import { createInferenceThread } from "../edge/inference_thread/mod.ts";
import {
  type HttpThroughput,
  type LatencyResult,
  measureHttpThroughput,
  measureLatency,
} from "./http.ts";
import { measureThroughput, type ThroughputRow } from "./in_process.ts";
import { markdownReport } from "./report.ts";
import { startServer } from "../testing/server_process.ts";

/** Where the app runs G+D, as the table names it. */
const MODES = {
  thread: "inference thread (ring)",
  inline: "server thread",
} as const;

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    models: { type: "string", default: "models" },
    model: { type: "string", default: "grid25" },
    backends: { type: "string", default: "onnx,wasm" },
    modes: { type: "string", default: "thread,inline" },
    seconds: { type: "string", default: "3" },
    "latency-requests": { type: "string", default: "2000" },
    out: { type: "string", default: "bench/results" },
    chunk: { type: "string", default: "256" },
  },
  strict: true,
});
const seconds = Number(flags.seconds);
const backends = flags.backends.split(",") as BackendName[];
const modes = flags.modes.split(",");
for (const mode of modes) {
  if (!(mode in MODES)) {
    throw new RangeError(
      `Cannot benchmark as '--modes' must list thread and/or inline: current value is '${mode}'`,
    );
  }
}

/** Results of one backend. */
interface BackendResult {
  backend: BackendName;
  throughput: ThroughputRow[];
  latency: LatencyResult;
  http: HttpThroughput;
}

const openOptions = { wasm: { wasmPaths: denoWasmPaths() } };
// This thread opens its runtimes first: onnxruntime-node's process-wide environment belongs to
// the first isolate that loads it, and this one outlives the inference thread.
const thread = createInferenceThread();
const results: BackendResult[] = [];
for (const name of backends) {
  const registries = {
    inline: createRegistry(
      fsModelSource(flags.models),
      (init) => openBackend(name, init, openOptions),
    ),
    thread: createRegistry(
      fsModelSource(flags.models),
      (init) => thread.open(name, init, openOptions),
    ),
  };
  await registries.inline.load();
  await registries.thread.load();
  const floor = registries.inline.get(flags.model);
  if (!floor) {
    throw new Error(
      `Cannot benchmark '${flags.model}' on ${name}: ${JSON.stringify(registries.inline.errors())}`,
    );
  }
  const key = await importSigningKey("bench", crypto.randomUUID() + crypto.randomUUID());
  const throughput: ThroughputRow[] = [];
  for (const mode of modes as (keyof typeof MODES)[]) {
    const model = registries[mode].get(flags.model)!;
    // One request at a time, configured as edge/main.ts (thread) or edge/deploy.ts (inline).
    const limits = mode === "inline" ? {} : { chunk: Number(flags.chunk) };
    const app = createApp({
      registry: registries[mode],
      keys: [key],
      limits: { concurrency: 1, ...limits },
    });
    // DRS at n = 1, 16, 256, then MH with K = 8 at n = 256 (its floor: the same 8 x 256 G+D).
    const cases: { n: number; mode: string; query?: string }[] = [
      ...[1, 16, 256].map((n) => ({ n, mode: MODES[mode] })),
      { n: 256, mode: `${MODES[mode]}, MH K=8`, query: "sampler=mh&k=8" },
    ];
    for (const { n, mode: label, query } of cases) {
      const row = await measureThroughput(app, {
        model,
        floor: floor.backend,
        n,
        mode: label,
        query,
      }, {
        seconds,
      });
      console.log(
        `${name} ${row.mode} n=${n}: ${row.acceptedPerSecond.toFixed(0)} accepted/s, floor ${
          row.floorAcceptedPerSecond.toFixed(0)
        }/s, ratio ${row.ratio.toFixed(3)} (${row.requests} requests, ${
          row.proposalsPerRequest.toFixed(0)
        } proposals each)`,
      );
      throughput.push(row);
    }
  }
  await registries.thread.dispose();
  const server = await startServer({
    env: { DRS_BACKEND: name, DRS_MODELS_DIR: flags.models, DRS_CHUNK: flags.chunk },
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
      { id: floor.id, backend: floor.backend, latentDim: floor.manifest.latentDim },
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
  await registries.inline.dispose();
}
thread.close();

const report = {
  model: flags.model,
  command: `deno task bench ${Deno.args.join(" ")}`.trim(),
  machine: { cpus: navigator.hardwareConcurrency, deno: Deno.version.deno, os: Deno.build.os },
  chunk: Number(flags.chunk),
  results,
};
await Deno.mkdir(flags.out, { recursive: true });
await Deno.writeTextFile(`${flags.out}/sampler.json`, JSON.stringify(report, null, 2) + "\n");
await Deno.writeTextFile(`${flags.out}/sampler.md`, markdownReport(report));
console.log(markdownReport(report));
