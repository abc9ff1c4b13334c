/**
 * `deno run -A bench/request_path_ab.ts --base DIR [--rounds 60] [--base-app PATH] [--models DIR
 * --model ID --base-backends PATH]`: the request path of this checkout against another one (DIR:
 * e.g. `git worktree add DIR <commit>`, with a `node_modules`), in one process, in alternating
 * blocks, so the machine's load falls on both alike: on the fake models, or with `--models` on a
 * real model with G+D on onnx in process (as Deno Deploy runs it). Prints the median wall-clock
 * and CPU microseconds per request of each side, their ratio, and the median (with quartiles) of
 * the per-round ratios, for n = 1, 16 and 256 JSON requests, a 304 and a 400 (routing, the
 * version lease, query validation, the ETag; sampling and rendering for the 200s).
 *
 * @module
 */

import { parseArgs } from "node:util";
import process from "node:process";
import { makeTestApp } from "../testing/test_app.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string" },
    rounds: { type: "string", default: "60" },
    // Where the base checkout keeps makeTestApp (edge/testing/test_app.ts before testing/).
    "base-app": { type: "string", default: "testing/test_app.ts" },
    // A models folder: both sides serve its model on onnx in process (the server thread)
    // instead of the fake models.
    models: { type: "string" },
    model: { type: "string", default: "grid25" },
    // Where the base checkout keeps open.ts (edge/backends before backends/).
    "base-backends": { type: "string", default: "backends" },
  },
  strict: true,
});
if (!flags.base) throw new RangeError("Cannot compare as '--base' is missing: give a checkout");
/** What both sides' apps answer. */
interface RequestApp {
  request(url: string, init?: RequestInit): Response | Promise<Response>;
}

/** The app of checkout `root` over the fake models. */
async function fakeApp(root: string, appPath: string): Promise<RequestApp> {
  const { makeTestApp } = await import(new URL(appPath, `file://${root}/`).href);
  return (await makeTestApp({ limits: { concurrency: 1 } })).app;
}

/** The app of checkout `root` over `models`, G+D on onnx in process, as edge/deploy.ts runs it. */
async function realApp(root: string, backendsPath: string): Promise<RequestApp> {
  const from = (path: string) => import(new URL(path, `file://${root}/`).href);
  const { createApp } = await from("edge/app.ts");
  const { createRegistry } = await from("edge/registry.ts");
  const { fsModelSource } = await from("edge/fs_source.ts");
  const { openBackend } = await from(`${backendsPath}/open.ts`);
  const { importSigningKey } = await from("shared/signing.ts");
  const registry = createRegistry(
    fsModelSource(flags.models!),
    (init: unknown) => openBackend("onnx", init, {}),
  );
  await registry.load();
  const key = await importSigningKey("ab", crypto.randomUUID() + crypto.randomUUID());
  return createApp({ registry, keys: [key], limits: { concurrency: 1 } });
}

const here = Deno.realPathSync(new URL("..", import.meta.url));
const there = Deno.realPathSync(flags.base);
const apps: Record<"base" | "this", RequestApp> = flags.models
  ? { base: await realApp(there, flags["base-backends"]), this: await realApp(here, "backends") }
  : {
    base: await fakeApp(there, flags["base-app"]),
    this: (await makeTestApp({ limits: { concurrency: 1 } })).app,
  };
const id = flags.models ? flags.model : "grid";
type Side = keyof typeof apps;

const CASES = [
  { name: "n=1 json", url: `/v1/models/${id}/samples?n=1&seed=3`, block: 200 },
  { name: "n=16 json", url: `/v1/models/${id}/samples?n=16&seed=3`, block: 100 },
  { name: "n=256 json", url: `/v1/models/${id}/samples?n=256&seed=3`, block: 20 },
  { name: "304", url: `/v1/models/${id}/samples?n=16&seed=3`, block: 200, etag: true },
  { name: "400", url: `/v1/models/${id}/samples?n=0`, block: 200 },
];

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

for (const c of CASES) {
  const etags = {} as Record<Side, string>;
  for (const side of Object.keys(apps) as Side[]) {
    const res = await apps[side].request(c.url);
    etags[side] = res.headers.get("etag") ?? "";
    await res.arrayBuffer();
    // Warm up (the JIT tiers up each side's code on its own schedule) before timing.
    for (let i = 0; i < 3 * c.block; i++) await (await apps[side].request(c.url)).arrayBuffer();
  }
  const micros: Record<Side, number[]> = { base: [], this: [] };
  // CPU time of the process (all its threads) per request: unlike the wall clock, it does not
  // count the time this process waits while other jobs hold the shared cores.
  const cpu: Record<Side, number[]> = { base: [], this: [] };
  for (let round = 0; round < Number(flags.rounds); round++) {
    const order: Side[] = round % 2 ? ["base", "this"] : ["this", "base"];
    for (const side of order) {
      const init = c.etag ? { headers: { "if-none-match": etags[side] } } : undefined;
      const t0 = performance.now(), c0 = process.cpuUsage();
      for (let i = 0; i < c.block; i++) await (await apps[side].request(c.url, init)).arrayBuffer();
      micros[side].push((performance.now() - t0) / c.block * 1000);
      const used = process.cpuUsage(c0);
      cpu[side].push((used.user + used.system) / c.block);
    }
  }
  const [b, t] = [median(micros.base), median(micros.this)];
  // Each round times both sides back to back: the ratio within a round cancels the machine's
  // drift between rounds, so its median and quartiles say more than the ratio of medians.
  const ratios = micros.this.map((x, i) => x / micros.base[i]).sort((x, y) => x - y);
  const q = (p: number) => ratios[Math.min(ratios.length - 1, Math.floor(p * ratios.length))];
  console.log(
    `${c.name.padEnd(11)} base ${b.toFixed(1)} us  this ${t.toFixed(1)} us  this/base ${
      (t / b).toFixed(3)
    }  paired ${q(0.5).toFixed(3)} [${q(0.25).toFixed(3)}, ${q(0.75).toFixed(3)}]  cpu base ${
      median(cpu.base).toFixed(1)
    } us  this ${median(cpu.this).toFixed(1)} us  this/base ${
      (median(cpu.this) / median(cpu.base)).toFixed(3)
    }`,
  );
}
