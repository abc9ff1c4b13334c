/**
 * `deno run -A bench/workerd.ts [--models DIR] [--model ID] [--runs 3] [--latency-requests N]`:
 * the Cloudflare Worker in workerd next to the Deno server (`edge/main.ts`) on the same model.
 * Cold start: process spawn to the first 200 of a sample request (the Worker builds the app and
 * instantiates the WASM module on its first request), median of `--runs`. Latency: p50/p99 of
 * sequential single-sample requests (`bench/http.ts`). Memory: resident set of each process
 * after the latency run. Bundle sizes from `buildWorker()`. Writes
 * `bench/results/workerd_<model>.json` and `.md`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { buildWorker, type WorkerBuild } from "../scripts/build_worker.ts";
import { measureLatency } from "./http.ts";
import { startServer } from "../testing/server_process.ts";
import { freePort, startWorkerd, workerdBinary } from "../testing/workerd_process.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    models: { type: "string", default: "models" },
    model: { type: "string", default: "grid25" },
    runs: { type: "string", default: "3" },
    "latency-requests": { type: "string", default: "500" },
    out: { type: "string", default: "bench/results" },
  },
  strict: true,
});
const ENV = { DRS_SIGNING_KEYS: "bench:workerd-bench-secret-0123456789abcdefghij" };
const model = flags.model;
const samplePath = `/v1/models/${model}/samples?n=1&seed=1`;

interface Runtime {
  name: string;
  /** Spawns the process on `port`; returns its pid and a stop function. */
  spawn(port: number): { pid: number; stop: () => Promise<void> };
}

function spawnWith(cmd: string, args: string[], options: { cwd: string; env: object }) {
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env as Record<string, string>,
    stdout: "null",
    stderr: "null",
  }).spawn();
  return {
    pid: child.pid,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

async function coldStartMs(runtime: Runtime): Promise<{ listenMs: number; firstSampleMs: number }> {
  const port = freePort();
  const t0 = performance.now();
  const proc = runtime.spawn(port);
  const pause = () => new Promise((r) => setTimeout(r, 2));
  const late = () => {
    if (performance.now() - t0 > 60_000) throw new Error(`${runtime.name}: no sample in 60 s`);
  };
  try {
    for (;;) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port }).catch(() => undefined);
      if (conn) {
        conn.close();
        break;
      }
      late();
      await pause();
    }
    const listenMs = performance.now() - t0;
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${port}${samplePath}`).catch(() => undefined);
      await res?.arrayBuffer();
      if (res?.status === 200) return { listenMs, firstSampleMs: performance.now() - t0 };
      late();
      await pause();
    }
  } finally {
    await proc.stop();
  }
}

async function rssMiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dist = await Deno.makeTempDir({ prefix: "drs_bench_worker_" });
// The Deno server gets a folder with the same single model as the Worker bundle.
const modelsDir = await Deno.makeTempDir({ prefix: "drs_bench_models_" });
const copied = await new Deno.Command("cp", {
  args: ["-r", `${flags.models}/${model}`, `${modelsDir}/${model}`],
}).output();
if (copied.code !== 0) throw new Error(new TextDecoder().decode(copied.stderr));
const build: WorkerBuild = await buildWorker({ models: flags.models, out: dist, ids: [model] });
const root = new URL("../", import.meta.url).pathname;
const runtimes: Runtime[] = [
  {
    name: "workerd (wasm)",
    spawn: (port) =>
      spawnWith(workerdBinary(), [
        "serve",
        "worker.capnp",
        "--socket-addr",
        `http=127.0.0.1:${port}`,
      ], {
        cwd: dist,
        env: ENV,
      }),
  },
  ...(["wasm", "onnx"] as const).map((backend) => ({
    name: `Deno server (${backend})`,
    spawn: (port: number) =>
      spawnWith(Deno.execPath(), ["run", "-A", "edge/main.ts"], {
        cwd: root,
        env: {
          ...ENV,
          PORT: String(port),
          HOSTNAME: "127.0.0.1",
          DRS_BACKEND: backend,
          DRS_MODELS_DIR: modelsDir,
        },
      }),
  })),
];

const rows = [];
for (const runtime of runtimes) {
  const cold = [];
  for (let i = 0; i < Number(flags.runs); i++) cold.push(await coldStartMs(runtime));
  const backend = runtime.name.includes("onnx") ? "onnx" : "wasm";
  const server = runtime.name.startsWith("workerd")
    ? await startWorkerd(dist, { env: ENV })
    : await startServer({ env: { ...ENV, DRS_BACKEND: backend, DRS_MODELS_DIR: modelsDir } });
  try {
    const latency = await measureLatency(server.origin, model, {
      requests: Number(flags["latency-requests"]),
      warmup: 50,
    });
    rows.push({
      runtime: runtime.name,
      listenMs: median(cold.map((c) => c.listenMs)),
      coldStartMs: median(cold.map((c) => c.firstSampleMs)),
      p50Ms: latency.p50Ms,
      p99Ms: latency.p99Ms,
      rssMiB: await rssMiB(server.pid),
    });
  } finally {
    await server.stop();
  }
  console.log(JSON.stringify(rows.at(-1)));
}
await Deno.remove(dist, { recursive: true });
await Deno.remove(modelsDir, { recursive: true });

const mib = (n: number) => (n / 1024 / 1024).toFixed(2);
const md = [
  `Model \`${model}\`, ${Number(flags.runs)} cold starts (median), ${
    flags["latency-requests"]
  } sequential \`n=1\` requests on loopback (${new Date().toISOString().slice(0, 10)}).`,
  "",
  `Upload: worker.js ${mib(build.script.raw)} MiB (gzip ${mib(build.script.gzip)}), all modules ` +
  `${mib(build.total.raw)} MiB (gzip ${mib(build.total.gzip)}) against 3 MiB (free) / 10 MiB ` +
  "(paid) compressed.",
  "",
  "| runtime | listening (ms) | cold start to first sample (ms) | p50 (ms) | p99 (ms) | RSS (MiB) |",
  "| --- | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map((r) =>
    `| ${r.runtime} | ${r.listenMs.toFixed(0)} | ${r.coldStartMs.toFixed(0)} | ${
      r.p50Ms.toFixed(2)
    } | ${r.p99Ms.toFixed(2)} | ${r.rssMiB.toFixed(0)} |`
  ),
].join("\n");
await Deno.mkdir(flags.out, { recursive: true });
await Deno.writeTextFile(
  `${flags.out}/workerd_${model}.json`,
  JSON.stringify({ build, rows }, null, 2),
);
await Deno.writeTextFile(`${flags.out}/workerd_${model}.md`, md + "\n");
// Formatted as `deno task check` expects of committed files.
await new Deno.Command(Deno.execPath(), {
  args: ["fmt", "-q", `${flags.out}/workerd_${model}.json`, `${flags.out}/workerd_${model}.md`],
}).output();
console.log(md);
