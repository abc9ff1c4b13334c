/**
 * `deno run -A bench/workerd_cost.ts [--models DIR] [--model ID,...] [--requests 200]`: what an
 * n=1 request costs in workerd (the Worker build, tfjs-wasm), per model and sampler, with
 * `DRS_ROUND_SIZING=fixed` and `cost`: G+D milliseconds from `Server-Timing` (median) and the
 * process CPU milliseconds per request (utime + stime of workerd over the sequential requests,
 * divided by their count), against the Workers free plan's 10 ms of CPU per request. Writes
 * `bench/results/workerd_cost.json` and `.md`. `--settings` picks the server settings: `fixed`,
 * `cost` (the defaults) and `cost-q50` (`DRS_FIRST_ROUND_Q=0.5`, the first round at the median).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { buildWorker } from "../scripts/build_worker.ts";
import { startWorkerd } from "../testing/workerd_process.ts";
import { quantile } from "./floor.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    models: { type: "string", default: "models" },
    model: { type: "string", default: "grid25,mnist" },
    requests: { type: "string", default: "200" },
    out: { type: "string", default: "bench/results" },
    settings: { type: "string", default: "fixed,cost" },
  },
  strict: true,
});
const SETTINGS: Record<string, Record<string, string>> = {
  fixed: { DRS_ROUND_SIZING: "fixed" },
  cost: { DRS_ROUND_SIZING: "cost" },
  "cost-q50": { DRS_ROUND_SIZING: "cost", DRS_FIRST_ROUND_Q: "0.5" },
  "cost-q65": { DRS_ROUND_SIZING: "cost", DRS_FIRST_ROUND_Q: "0.65" },
};
const TICK_MS = 10; // USER_HZ = 100 on Linux

async function cpuMs(pid: number): Promise<number> {
  const stat = (await Deno.readTextFile(`/proc/${pid}/stat`)).split(") ")[1].split(" ");
  return (Number(stat[11]) + Number(stat[12])) * TICK_MS; // utime, stime
}

async function workerdPid(port: string): Promise<number> {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmd = await Deno.readTextFile(`/proc/${entry.name}/cmdline`);
      if (cmd.includes("workerd") && cmd.includes(port)) return Number(entry.name);
    } catch { /* gone */ }
  }
  throw new Error("Cannot find the workerd process");
}

const SAMPLERS: Record<string, string> = {
  "DRS PNG": "format=png",
  "raw PNG": "format=png&sampler=raw",
  "DRS JSON": "",
  "MH k=8 JSON": "sampler=mh&k=8",
};

const rows: Record<string, unknown>[] = [];
for (const model of flags.model.split(",")) {
  const out = await Deno.makeTempDir({ prefix: "drs-workerd-cost-" });
  const build = await buildWorker({ models: flags.models, out, ids: [model] });
  for (const sizing of flags.settings.split(",")) {
    const env = {
      DRS_SIGNING_KEYS: "b:workerd-cost-secret-0123456789abcdef",
      ...SETTINGS[sizing],
    };
    const w = await startWorkerd(out, { env, readyPath: "/readyz" });
    try {
      const pid = await workerdPid(new URL(w.origin).port);
      const cls = model === "mnist" || model === "fashion" ? "&class=3" : "";
      for (const [name, query] of Object.entries(SAMPLERS)) {
        const get = async (seed: number) => {
          const res = await fetch(
            `${w.origin}/v1/models/${model}/samples?n=1&seed=${seed}${cls}&${query}`,
          );
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`${model} ${name}: ${res.status}`);
          const gd = /gd;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1];
          return { gd: Number(gd ?? NaN), batches: res.headers.get("x-drs-batches") ?? "" };
        };
        const schedules: Record<string, number> = {};
        const timed = async (seed: number) => {
          const r = await get(seed);
          schedules[r.batches] = (schedules[r.batches] ?? 0) + 1;
          return r;
        };
        for (let i = 0; i < 20; i++) await get(900_000 + i);
        const n = Number(flags.requests), gds: number[] = [];
        const cpu0 = await cpuMs(pid), t0 = performance.now();
        for (let i = 0; i < n; i++) gds.push((await timed(i + 1)).gd);
        const cpu = ((await cpuMs(pid)) - cpu0) / n, wall = (performance.now() - t0) / n;
        const row = {
          model,
          sizing,
          sampler: name,
          gdP50: quantile(gds, 0.5),
          gdP99: quantile(gds, 0.99),
          cpuMsPerRequest: cpu,
          wallMsPerRequest: wall,
          freePlan: cpu <= 10 ? "fits" : "over",
          schedules: Object.entries(schedules).sort((a, b) => b[1] - a[1]).slice(0, 4)
            .map(([k, v]) => `${k}: ${v}`).join("; "),
        };
        console.log(JSON.stringify(row));
        rows.push(row);
      }
    } finally {
      await w.stop();
    }
  }
  console.log(`${model}: bundle ${(build.total.gzip / 1024 / 1024).toFixed(2)} MiB gzip`);
  await Deno.remove(out, { recursive: true });
}
const md = [
  "| model | round sizing | n=1 request | G+D p50 ms | G+D p99 ms | CPU ms/request | free plan (10 ms) |",
  "|---|---|---|--:|--:|--:|---|",
  ...rows.map((r) =>
    `| ${r.model} | ${r.sizing} | ${r.sampler} | ${(r.gdP50 as number).toFixed(2)} | ` +
    `${(r.gdP99 as number).toFixed(2)} | ${
      (r.cpuMsPerRequest as number).toFixed(1)
    } | ${r.freePlan} |`
  ),
].join("\n");
await Deno.mkdir(flags.out, { recursive: true });
await Deno.writeTextFile(`${flags.out}/workerd_cost.json`, JSON.stringify(rows, null, 2) + "\n");
await Deno.writeTextFile(`${flags.out}/workerd_cost.md`, md + "\n");
console.log(md);
