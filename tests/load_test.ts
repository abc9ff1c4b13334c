/**
 * Short versions of `deno task bench:load` and `deno task bench:soak` (3 s of load per phase,
 * a 12 s soak) against the real server on loopback: the suites run end to end in CI, the
 * long runs come from the bench tasks.
 */

import assert from "node:assert/strict";
import { runLoad } from "../testing/load_gen.ts";
import { startServer } from "../testing/server_process.ts";
import { rssVerdict } from "../testing/rss.ts";
import { runSoak, writeSoakFiles } from "../testing/soak_run.ts";

async function pickModel(origin: string): Promise<string> {
  const ids = (await (await fetch(`${origin}/v1/models`)).json()).models.map(
    (m: { id: string }) => m.id,
  );
  assert.ok(ids.length > 0, "no model under models/");
  return ids.includes("grid25") ? "grid25" : ids[0];
}

async function withServer<T>(
  env: Record<string, string>,
  fn: (server: { origin: string; pid: number }, model: string) => Promise<T>,
): Promise<T> {
  const server = await startServer({
    env: { DRS_MODELS_DIR: "models", DRS_BACKEND: "onnx", ...env },
  });
  try {
    return await fn(server, await pickModel(server.origin));
  } finally {
    await server.stop();
  }
}

Deno.test({
  name: "runLoad() gets only 2xx below the server's limit and only 503 + Retry-After above it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const below = await withServer(
      { DRS_QUEUE: "64" },
      (server, model) => runLoad(server.origin, { model, connections: 16, seconds: 3 }),
    );
    assert.ok(below.requests > 20, `only ${below.requests} requests`);
    assert.equal(below.non2xx, 0, JSON.stringify(below.statuses));
    assert.equal(below.errors + below.timeouts, 0);
    assert.ok(below.mix.json > 0 && below.mix.png > 0, "both JSON and PNG were served");
    assert.ok(
      below.latencyMs.p50 <= below.latencyMs.p99 && below.latencyMs.p99 <= below.latencyMs.max,
    );

    const above = await withServer(
      { DRS_QUEUE: "0", DRS_CONCURRENCY: "1" },
      (server, model) => runLoad(server.origin, { model, connections: 16, seconds: 3 }),
    );
    assert.ok(
      (above.statuses["503"] ?? 0) > 0,
      `no 503 above the limit: ${JSON.stringify(above.statuses)}`,
    );
    assert.equal(above.otherErrors, 0, JSON.stringify(above.statuses));
    assert.equal(above.unavailableWithoutRetryAfter, 0);
    assert.ok((above.statuses["200"] ?? 0) > 0);
  },
});

Deno.test({
  name: "runSoak() samples the server's RSS under load and writes CSV, PNG and JSON",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const result = await withServer(
      {},
      (server, model) =>
        runSoak(server, { model, seconds: 12, connections: 8, every: 1, warmup: 4, window: 3 }),
    );
    assert.ok(result.samples.length >= 10, `${result.samples.length} samples`);
    assert.ok(result.samples.every((s) => s.rssMiB > 10 && s.rssMiB < 4096));
    assert.equal(result.load.non2xx, 0);
    // Twelve seconds only show the suite works; the 10% bound is judged over 5 minutes.
    assert.ok(result.verdict.growthPercent < 100, `RSS grew ${result.verdict.growthPercent}%`);
    const dir = await Deno.makeTempDir();
    const [csv, png] = await writeSoakFiles(dir, result);
    const lines = (await Deno.readTextFile(csv)).trim().split("\n");
    assert.equal(lines[0], "seconds,rss_mib,answered");
    assert.equal(lines.length, result.samples.length + 1);
    assert.deepEqual([...(await Deno.readFile(png)).slice(1, 4)], [0x50, 0x4e, 0x47]);
  },
});

Deno.test("rssVerdict() compares the level after warm-up with the end", () => {
  const samples = [0, 5, 10, 15, 20, 25].map((s, i) => ({
    seconds: s,
    rssMiB: [50, 100, 100, 100, 110, 110][i],
    answered: i,
  }));
  const v = rssVerdict(samples, { warmup: 5, window: 10 });
  assert.equal(v.baselineMiB, 100);
  assert.equal(v.finalMiB, 110);
  assert.equal(v.maxMiB, 110);
  assert.ok(Math.abs(v.growthPercent - 10) < 1e-9);
  assert.throws(() => rssVerdict(samples, { warmup: 60, window: 10 }), /no samples fall after/);
});

Deno.test({
  name: "edge/main.ts answers health checks promptly while a queue of heavy requests drains",
  sanitizeResources: false,
  async fn() {
    // onnxruntime-node runs G+D on the JS thread: without yielding between requests and
    // between slices of G+D work, /healthz waited for the whole queue (0.7 to 2.8 s here).
    const env = { DRS_CONCURRENCY: "1", DRS_QUEUE: "8" };
    const waits = await withServer(env, async ({ origin }) => {
      const models = (await (await fetch(`${origin}/v1/models`)).json()).models;
      const model = (models.find((m: { kind: string }) => m.kind === "image") ?? models[0]).id;
      const heavy = Array.from(
        { length: 6 },
        (_, i) =>
          fetch(`${origin}/v1/models/${model}/samples?n=256&seed=${i}&acceptance=0.05`)
            .then((r) => r.arrayBuffer()),
      );
      await new Promise((r) => setTimeout(r, 200));
      const times: number[] = [];
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now();
        const res = await fetch(`${origin}/healthz`);
        await res.arrayBuffer();
        times.push(performance.now() - t0);
      }
      await Promise.all(heavy);
      return times;
    });
    console.log(`/healthz under a queue of heavy requests: ${waits.map(Math.round).join(", ")} ms`);
    assert.ok(Math.max(...waits) < 500, `a health check waited ${Math.max(...waits)} ms`);
  },
});

Deno.test({
  name: "runReloadPhase() sees only 2xx while versions load and retire, and disposes each",
  sanitizeResources: false,
  sanitizeOps: false,
  ignore: !await Deno.stat("models/grid25/manifest.json").then(() => true, () => false),
  async fn() {
    const { runReloadPhase } = await import("../testing/load_reload.ts");
    const result = await runReloadPhase({
      models: "models",
      model: "grid25",
      env: { DRS_BACKEND: "onnx", DRS_QUEUE: "64" },
      connections: 8,
      seconds: 4,
      warmup: 2,
      every: 1,
      reloads: 3,
    });
    assert.equal(result.non2xx, 0, JSON.stringify(result.statuses));
    assert.equal(result.errors + result.timeouts, 0);
    assert.ok(result.reloads.underLoad >= 2, `${result.reloads.underLoad} reloads under load`);
    assert.equal(result.reloads.count, 4, "the first reload, then three");
    assert.ok(result.reloads.bySignal > 0 && result.reloads.byAdmin > 0);
    assert.equal(result.reloads.disposed, 3, "every retired version was disposed");
    assert.ok(result.steady.requests > 0 && result.rss.baselineMiB > 10);
  },
});
