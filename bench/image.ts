/**
 * `deno task bench:image [--models DIR] [--model mnist] [--requests 300] [--seconds 8]
 * [--connections 4] [--out bench/results]`: a class-conditional image model against its floor,
 * all in one run on this machine:
 *
 * 1. **Floor**: G+D proposals/s on onnxruntime-node at batch 1, 16 and 128 with one intra-op
 *    thread, and at 128 with every core (intra-op threads, and one session per core side by
 *    side); the best of them is the floor with every core.
 * 2. **Latency** over HTTP: sequential n=1 PNG requests of one class, DRS and raw G, on servers
 *    with `DRS_ROUND_SIZING=fixed` and `cost`, both up at once and measured in alternating
 *    blocks; p50, p99 and the round schedule (`X-DRS-Batches`).
 * 3. **Throughput**: n=16 DRS JSON at `--connections` concurrent connections for `--seconds`,
 *    accepted samples/s against 0.8 x floor x mean expected acceptance, per server setting; and
 *    n=1 DRS PNGs at the same connections (where batching across requests matters most).
 *
 * Server settings (`--servers`): `fixed` and `cost` round sizing, `cost-2t` (intra-op threads
 * on every core), `nobatch` (cost without batching across requests, `DRS_BATCH_ROWS=0`), and
 * `c8` / `nobatch-c8` (eight requests running at once, with and without batching), `q50` ..
 * `q90` (`DRS_FIRST_ROUND_Q`: how likely the first round is to complete an n=1 request).
 *
 * Writes `image.json` and `image.md` in `--out`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { openOnnxBackend } from "../backends/onnx_node.ts";
import { fsModelSource } from "../edge/fs_source.ts";
import { loadModel } from "../edge/load_model.ts";
import { expectedRate, modelOf } from "../sampling/mod.ts";
import { startServer } from "../testing/server_process.ts";
import { quantile } from "./floor.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    models: { type: "string", default: "models" },
    model: { type: "string", default: "mnist" },
    requests: { type: "string", default: "300" },
    seconds: { type: "string", default: "8" },
    connections: { type: "string", default: "4" },
    label: { type: "string", default: "3" },
    out: { type: "string", default: "bench/results" },
    servers: { type: "string", default: "cost,nobatch,c8,nobatch-c8,cost-2t" },
  },
  strict: true,
});
const cores = navigator.hardwareConcurrency;

// 1. The floor.
const loaded = await loadModel(fsModelSource(flags.models), flags.model, {
  open: (init) => openOnnxBackend(init),
});
const { manifest } = loaded;
const classes = manifest.classes?.length ?? 0;
const readFile = (name: string) =>
  Deno.readFile(`${flags.models}/${flags.model}/${manifest.files[name].path}`);
const init = {
  latentDim: manifest.latentDim,
  sampleShape: manifest.sampleShape,
  classes,
  readFile,
};
await loaded.backend.dispose();

async function proposalsPerSecond(
  backends: Awaited<ReturnType<typeof openOnnxBackend>>[],
  batch: number,
  seconds = 2,
): Promise<number> {
  const z = new Float32Array(batch * manifest.latentDim).map((_, i) => Math.sin(i));
  const labels = classes ? Int32Array.from({ length: batch }, (_, i) => i % classes) : undefined;
  for (const b of backends) await b.run(z, batch, { classes: labels });
  let done = 0;
  const t0 = performance.now(), until = t0 + seconds * 1000;
  await Promise.all(backends.map(async (b) => {
    while (performance.now() < until) {
      await b.run(z, batch, { classes: labels });
      done += batch;
    }
  }));
  return done / ((performance.now() - t0) / 1000);
}

const floor: Record<string, number> = {};
{
  const one = await openOnnxBackend(init, { intraOpThreads: 1 });
  for (const batch of [1, 16, 128]) {
    floor[`1 thread, batch ${batch}`] = await proposalsPerSecond([one], batch);
  }
  const wide = await openOnnxBackend(init, { intraOpThreads: cores });
  floor[`${cores} intra-op threads, batch 128`] = await proposalsPerSecond([wide], 128);
  floor[`${cores} intra-op threads, batch 16`] = await proposalsPerSecond([wide], 16);
  await wide.dispose();
  const others = await Promise.all(
    Array.from({ length: cores - 1 }, () => openOnnxBackend(init, { intraOpThreads: 1 })),
  );
  floor[`${cores} sessions side by side, batch 128`] = await proposalsPerSecond(
    [one, ...others],
    128,
  );
  for (const b of [one, ...others]) await b.dispose();
}
const bestFloor = Math.max(...Object.values(floor));
const model = modelOf(manifest, loaded.backend);
const label = manifest.classes!.indexOf(flags.label) >= 0
  ? manifest.classes!.indexOf(flags.label)
  : Number(flags.label);
const meanAcceptance = manifest.classes!.reduce(
  (a, _, c) => a + expectedRate(model, { seed: 1, n: 16, sampler: { kind: "drs" }, label: c }),
  0,
) /
  classes;
console.log("floor (proposals/s):", JSON.stringify(floor));

// 2 and 3. The servers.
const SERVERS: Record<string, Record<string, string>> = {
  fixed: { DRS_ROUND_SIZING: "fixed" },
  cost: { DRS_ROUND_SIZING: "cost" },
  "cost-2t": { DRS_ROUND_SIZING: "cost", DRS_INTRA_OP_THREADS: String(cores) },
  "cost-c4": { DRS_ROUND_SIZING: "cost", DRS_CONCURRENCY: "4" },
  nobatch: { DRS_ROUND_SIZING: "cost", DRS_BATCH_ROWS: "0" },
  c8: { DRS_ROUND_SIZING: "cost", DRS_CONCURRENCY: "8" },
  "nobatch-c8": { DRS_ROUND_SIZING: "cost", DRS_CONCURRENCY: "8", DRS_BATCH_ROWS: "0" },
  q50: { DRS_ROUND_SIZING: "cost", DRS_FIRST_ROUND_Q: "0.5" },
  q65: { DRS_ROUND_SIZING: "cost", DRS_FIRST_ROUND_Q: "0.65" },
  q70: { DRS_ROUND_SIZING: "cost", DRS_FIRST_ROUND_Q: "0.7" },
  q80: { DRS_ROUND_SIZING: "cost", DRS_FIRST_ROUND_Q: "0.8" },
  q90: { DRS_ROUND_SIZING: "cost", DRS_FIRST_ROUND_Q: "0.9" },
};
const names = flags.servers.split(",");
const servers = await Promise.all(
  names.map((name) =>
    startServer({ env: { DRS_MODELS_DIR: flags.models, DRS_BACKEND: "onnx", ...SERVERS[name] } })
  ),
);

interface Latency {
  p50: number;
  p99: number;
  mean: number;
  schedules: Record<string, number>;
}

const requests = Number(flags.requests);
const times: Record<string, { drs: number[]; raw: number[]; schedules: Record<string, number> }> =
  {};
for (const name of names) times[name] = { drs: [], raw: [], schedules: {} };
const path = (seed: number, drs: boolean) =>
  `/v1/models/${flags.model}/samples?format=png&n=1&seed=${seed}&class=${label}` +
  (drs ? "" : "&sampler=raw");
try {
  // Warm-up, then alternating blocks of 25 per server and kind.
  for (const s of servers) {
    for (let k = 0; k < 30; k++) {
      await (await fetch(s.origin + path(900_000 + k, k % 2 === 0))).arrayBuffer();
    }
  }
  for (let start = 0; start < requests; start += 25) {
    for (const [i, s] of servers.entries()) {
      for (const drs of [true, false]) {
        for (let k = start; k < Math.min(requests, start + 25); k++) {
          const t0 = performance.now();
          const res = await fetch(s.origin + path(k + 1, drs));
          await res.arrayBuffer();
          const ms = performance.now() - t0;
          if (res.status !== 200) throw new Error(`${names[i]}: ${res.status}`);
          const entry = times[names[i]];
          (drs ? entry.drs : entry.raw).push(ms);
          if (drs) {
            const b = res.headers.get("x-drs-batches") ?? "?";
            entry.schedules[b] = (entry.schedules[b] ?? 0) + 1;
          }
        }
      }
    }
  }
  const latency: Record<string, { drs: Latency; raw: Latency }> = {};
  for (const name of names) {
    const stats = (v: number[], schedules: Record<string, number> = {}) => ({
      p50: quantile(v, 0.5),
      p99: quantile(v, 0.99),
      mean: v.reduce((a, b) => a + b, 0) / v.length,
      schedules,
    });
    latency[name] = {
      drs: stats(times[name].drs, times[name].schedules),
      raw: stats(times[name].raw),
    };
    const l = latency[name];
    console.log(
      `${name}: n=1 PNG DRS p50 ${l.drs.p50.toFixed(2)} p99 ${l.drs.p99.toFixed(2)} ms; raw p50 ` +
        `${l.raw.p50.toFixed(2)} ms; DRS p50 / raw p50 ${(l.drs.p50 / l.raw.p50).toFixed(2)}, ` +
        `DRS p99 / p50 ${(l.drs.p99 / l.drs.p50).toFixed(2)}`,
    );
  }

  // 3. Throughput at n = 16.
  const seconds = Number(flags.seconds), connections = Number(flags.connections);
  const throughput: Record<string, number> = {};
  const throughput1: Record<string, number> = {};
  const saturate = async (origin: string, first: number, query: (seed: number) => string) => {
    let accepted = 0, seed = first;
    const until = performance.now() + seconds * 1000, t0 = performance.now();
    await Promise.all(Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const q = query(seed++);
        const res = await fetch(`${origin}/v1/models/${flags.model}/samples?${q}`);
        await res.arrayBuffer();
        if (res.status === 200) accepted += q.startsWith("n=16") ? 16 : 1;
      }
    }));
    return accepted / ((performance.now() - t0) / 1000);
  };
  // Alternating servers, twice each, so that a noisy neighbour hits them alike.
  for (let pass = 0; pass < 2; pass++) {
    for (const [i, s] of servers.entries()) {
      const first = 5_000_000 * (i + 1) + pass * 1_000_000;
      const n16 = await saturate(s.origin, first, (seed) => `n=16&seed=${seed}`);
      const n1 = await saturate(
        s.origin,
        first + 500_000,
        (seed) => `n=1&seed=${seed}&class=${label}&format=png`,
      );
      throughput[names[i]] = Math.max(throughput[names[i]] ?? 0, n16);
      throughput1[names[i]] = Math.max(throughput1[names[i]] ?? 0, n1);
      console.log(
        `${names[i]} (pass ${pass + 1}): at ${connections} connections n=16 ${n16.toFixed(0)} ` +
          `samples/s, n=1 PNG ${n1.toFixed(0)} samples/s`,
      );
    }
  }
  const target = 0.8 * bestFloor * meanAcceptance;
  const report = {
    model: flags.model,
    command: `deno task bench:image ${Deno.args.join(" ")}`.trim(),
    cores,
    floor,
    bestFloor,
    meanAcceptance,
    throughputTarget: target,
    latency,
    throughput,
    throughputN1: throughput1,
    connections,
  };
  await Deno.mkdir(flags.out, { recursive: true });
  await Deno.writeTextFile(`${flags.out}/image.json`, JSON.stringify(report, null, 2) + "\n");
  const md = [
    `## ${flags.model}: served against the floor (${cores} cores, one run)`,
    "",
    "| floor setting | proposals/s |",
    "|---|--:|",
    ...Object.entries(floor).map(([k, v]) => `| ${k} | ${v.toFixed(0)} |`),
    "",
    `Mean expected acceptance ${(meanAcceptance * 100).toFixed(1)}%: target n=16 throughput ` +
    `0.8 x ${bestFloor.toFixed(0)} x ${meanAcceptance.toFixed(3)} = ${
      target.toFixed(0)
    } samples/s.`,
    "",
    "| server | n=1 DRS PNG p50 ms | p99 ms | raw p50 ms | DRS/raw p50 | p99/p50 | n=16 samples/s | n=1 PNG samples/s |",
    "|---|--:|--:|--:|--:|--:|--:|--:|",
    ...names.map((n) => {
      const l = latency[n];
      return `| ${n} | ${l.drs.p50.toFixed(2)} | ${l.drs.p99.toFixed(2)} | ${
        l.raw.p50.toFixed(2)
      } | ` +
        `${(l.drs.p50 / l.raw.p50).toFixed(2)} | ${(l.drs.p99 / l.drs.p50).toFixed(2)} | ` +
        `${throughput[n].toFixed(0)} | ${throughput1[n].toFixed(0)} |`;
    }),
    "",
    "Round schedules of the n=1 DRS requests (`X-DRS-Batches`: count):",
    ...names.map((n) =>
      `- ${n}: ` +
      Object.entries(latency[n].drs.schedules).sort((a, b) => b[1] - a[1]).slice(0, 6)
        .map(([k, v]) => `${k}: ${v}`).join(", ")
    ),
  ].join("\n");
  await Deno.writeTextFile(`${flags.out}/image.md`, md + "\n");
  console.log(md);
} finally {
  for (const s of servers) await s.stop();
}
