import assert from "node:assert/strict";
import { decode } from "fast-png";
import { createApp } from "./app.ts";
import { createRegistry } from "./registry.ts";
import { fakeModelFiles, fakeOpener, memorySource, testKey } from "../testing/fake_models.ts";
import { makeTestApp } from "../testing/test_app.ts";
import { BackendBusyError } from "../backends/types.ts";

async function errorOf(
  res: Response,
): Promise<{ code: string; message: string; details?: unknown }> {
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const body = await res.json();
  assert.deepEqual(Object.keys(body), ["error"]);
  return body.error;
}

Deno.test("GET /healthz answers ok", async () => {
  const { app } = await makeTestApp();
  const res = await app.request("/healthz");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: "ok" });
});

Deno.test("GET /readyz is 503 until models load, then 200", async () => {
  const { app, registry } = await makeTestApp({ noLoad: true });
  const before = await app.request("/readyz");
  assert.equal(before.status, 503);
  assert.equal((await errorOf(before)).code, "not_ready");
  await registry.load();
  const after = await app.request("/readyz");
  assert.equal(after.status, 200);
  assert.deepEqual((await after.json()).models, ["grid", "tiles"]);
});

Deno.test("GET /readyz is 503 with the errors when no model loads", async () => {
  const files = await fakeModelFiles("grid", "points2d");
  files.set("generator.onnx", new TextEncoder().encode("tampered"));
  const registry = createRegistry(memorySource({ grid: files }), fakeOpener());
  await registry.load();
  const app = createApp({ registry, keys: [await testKey()] });
  const res = await app.request("/readyz");
  assert.equal(res.status, 503);
  const error = await errorOf(res);
  assert.equal(error.code, "no_models");
  assert.match(JSON.stringify(error.details), /grid\/generator\.onnx/);
});

Deno.test("GET /v1/models lists models with backend, DRS constants and metrics", async () => {
  const { app } = await makeTestApp();
  const res = await app.request("/v1/models");
  assert.equal(res.status, 200);
  const { models, unavailable } = await res.json();
  assert.deepEqual(models.map((m: { id: string }) => m.id), ["grid", "tiles"]);
  const grid = models[0];
  assert.equal(grid.kind, "points2d");
  assert.deepEqual(grid.sampleShape, [2]);
  assert.equal(grid.backend, "onnx");
  assert.equal(typeof grid.drs.logM, "number");
  assert.equal(typeof grid.drs.gamma, "number");
  assert.equal(grid.drs.fQuantiles, undefined);
  assert.equal(typeof grid.expectedAcceptance, "number");
  assert.equal(grid.metrics.drs.highQuality, 0.6);
  assert.deepEqual(unavailable, []);
});

Deno.test("GET /v1/models/:id describes one model; unknown ids are 404", async () => {
  const { app } = await makeTestApp();
  const res = await app.request("/v1/models/tiles");
  assert.equal(res.status, 200);
  assert.equal((await res.json()).backend, "wasm");
  const missing = await app.request("/v1/models/nope");
  assert.equal(missing.status, 404);
  const error = await errorOf(missing);
  assert.equal(error.code, "model_not_found");
  assert.match(error.message, /'nope'/);
});

Deno.test("a corrupt model is refused naming the file while others keep serving", async () => {
  const bad = await fakeModelFiles("bad", "points2d");
  bad.set("discriminator.onnx", new TextEncoder().encode("flipped bits"));
  const { app } = await makeTestApp({ models: { bad } });
  const list = await (await app.request("/v1/models")).json();
  assert.deepEqual(list.models.map((m: { id: string }) => m.id), ["grid", "tiles"]);
  assert.equal(list.unavailable[0].id, "bad");
  assert.match(
    list.unavailable[0].message,
    /'bad\/discriminator\.onnx'.*do not match the manifest/,
  );
  const res = await app.request("/v1/models/bad/samples");
  assert.equal(res.status, 503);
  assert.equal((await errorOf(res)).code, "model_unavailable");
  assert.equal((await app.request("/v1/models/grid/samples")).status, 200);
  assert.equal((await app.request("/readyz")).status, 200);
});

Deno.test("GET /v1/models/:id/samples returns points, the echoed seed and stats", async () => {
  const { app } = await makeTestApp();
  const res = await app.request("/v1/models/grid/samples?n=8&seed=7");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(Object.keys(body), ["model", "backend", "seed", "n", "drs", "samples", "stats"]);
  assert.equal(body.model, "grid");
  assert.equal(body.seed, 7);
  assert.equal(body.samples.length, 8);
  for (const p of body.samples) assert.ok(p.length === 2 && p.every(Number.isFinite));
  const { stats } = body;
  assert.equal(stats.accepted, 8);
  assert.ok(stats.proposals >= 8);
  assert.equal(stats.acceptanceRate, 8 / stats.proposals);
  assert.equal(typeof stats.logM, "number");
  assert.equal(typeof stats.logMRaised, "boolean");
  assert.equal(res.headers.get("x-drs-seed"), "7");
  assert.equal(res.headers.get("cache-control"), "public, max-age=86400");
});

Deno.test("GET /v1/models/:id/samples is byte-identical for the same request", async () => {
  const { app } = await makeTestApp();
  const a = await app.request("/v1/models/grid/samples?n=64&seed=11");
  const b = await app.request("/v1/models/grid/samples?seed=11&n=64&drs=true");
  assert.deepEqual(new Uint8Array(await a.arrayBuffer()), new Uint8Array(await b.arrayBuffer()));
  assert.equal(a.headers.get("etag"), b.headers.get("etag"));
  const other = await app.request("/v1/models/grid/samples?n=64&seed=12");
  assert.notEqual(other.headers.get("etag"), a.headers.get("etag"));
});

Deno.test("GET /v1/models/:id/samples picks and echoes a seed when none is given", async () => {
  const { app } = await makeTestApp();
  const res = await app.request("/v1/models/grid/samples");
  const body = await res.json();
  assert.ok(Number.isInteger(body.seed) && body.seed >= 0 && body.seed <= 0xffffffff);
  assert.equal(res.headers.get("x-drs-seed"), String(body.seed));
  assert.equal(res.headers.get("cache-control"), "no-store");
  const again = await app.request(`/v1/models/grid/samples?seed=${body.seed}`);
  assert.deepEqual((await again.json()).samples, body.samples);
});

Deno.test("GET /v1/models/:id/samples answers 304 to a matching If-None-Match", async () => {
  const { app } = await makeTestApp();
  const first = await app.request("/v1/models/grid/samples?seed=3");
  const etag = first.headers.get("etag")!;
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  const res = await app.request("/v1/models/grid/samples?seed=3", {
    headers: { "if-none-match": etag },
  });
  assert.equal(res.status, 304);
  assert.equal(await res.text(), "");
});

Deno.test("GET /v1/models/:id/samples with drs=false gives raw G samples", async () => {
  const { app } = await makeTestApp();
  const body = await (await app.request("/v1/models/grid/samples?n=4&seed=1&drs=false")).json();
  assert.equal(body.drs, false);
  assert.deepEqual(body.stats, {
    proposals: 4,
    accepted: 4,
    acceptanceRate: 1,
    logM: null,
    logMFinal: null,
    logMRaised: false,
    logMRaises: 0,
    nonFiniteLogits: 0,
    gamma: null,
  });
});

Deno.test("GET /v1/models/:id/samples maps gamma and acceptance into the stats", async () => {
  const { app } = await makeTestApp();
  const g = await (await app.request("/v1/models/grid/samples?n=4&seed=1&gamma=-2")).json();
  assert.equal(g.stats.gamma, -2);
  const lo = await (await app.request("/v1/models/grid/samples?n=64&seed=1&acceptance=0.05"))
    .json();
  const hi = await (await app.request("/v1/models/grid/samples?n=64&seed=1&acceptance=0.9")).json();
  assert.ok(lo.stats.gamma > hi.stats.gamma);
  assert.ok(lo.stats.acceptanceRate < hi.stats.acceptanceRate);
});

Deno.test("GET /v1/models/:id/samples renders a scatter PNG and an image grid", async () => {
  const { app } = await makeTestApp();
  const res = await app.request("/v1/models/grid/samples?n=16&seed=2&format=png&scale=2");
  assert.equal(res.headers.get("content-type"), "image/png");
  const scatter = decode(new Uint8Array(await res.arrayBuffer()));
  assert.equal(scatter.width, 512);
  const tiles = await app.request("/v1/models/tiles/samples?n=5&seed=2&format=png&scale=3");
  const grid = decode(new Uint8Array(await tiles.arrayBuffer()));
  // 3 columns x 2 rows of 4x4 images at scale 3 with 3-pixel gutters.
  assert.equal(grid.width, 3 * 12 + 4 * 3);
  assert.equal(grid.height, 2 * 12 + 3 * 3);
});

Deno.test("GET /v1/models/:id/samples rejects bad parameters with 400 naming them", async () => {
  const { app } = await makeTestApp();
  for (
    const [query, param] of [["n=0", "n"], ["seed=x", "seed"], ["bogus=1", "bogus"], [
      "n=1&n=2",
      "n",
    ]]
  ) {
    const res = await app.request(`/v1/models/grid/samples?${query}`);
    assert.equal(res.status, 400, query);
    const error = await errorOf(res);
    assert.equal(error.code, "invalid_parameter");
    assert.match(error.message, new RegExp(`'${param}'`));
  }
  assert.equal((await app.request("/v1/models/nope/samples")).status, 404);
});

Deno.test("budget exhaustion answers 503 with Retry-After and partial stats", async () => {
  const { app } = await makeTestApp({ limits: { budget: 300 } });
  const res = await app.request("/v1/models/grid/samples?n=256&seed=1");
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "1");
  const error = await errorOf(res);
  assert.equal(error.code, "budget_exhausted");
  const details = error.details as {
    reason: string;
    stats: { proposals: number; accepted: number };
  };
  assert.equal(details.reason, "budget");
  assert.equal(details.stats.proposals, 300);
});

Deno.test("a burst beyond the queue is refused with 503 overloaded", async () => {
  const { app } = await makeTestApp({ limits: { concurrency: 1, queue: 1 } });
  const results = await Promise.all(
    Array.from({ length: 6 }, (_, i) => app.request(`/v1/models/grid/samples?n=64&seed=${i}`)),
  );
  const statuses = results.map((r) => r.status);
  assert.ok(statuses.includes(200));
  const refused = results.filter((r) => r.status === 503);
  assert.ok(refused.length >= 1, `statuses ${statuses}`);
  assert.equal((await errorOf(refused[0])).code, "overloaded");
  assert.equal(refused[0].headers.get("retry-after"), "1");
});

Deno.test("unknown routes and methods are JSON 404s", async () => {
  const { app } = await makeTestApp();
  const res = await app.request("/nope");
  assert.equal(res.status, 404);
  assert.equal((await errorOf(res)).code, "not_found");
  assert.equal((await app.request("/v1/models", { method: "DELETE" })).status, 404);
});

Deno.test("a failing backend gives a JSON 503 model_error without leaking the error", async () => {
  const { app, opened } = await makeTestApp();
  const grid = opened.find((b) => b.name === "onnx")!;
  grid.run = () => Promise.reject(new Error("secret internals"));
  const res = await app.request("/v1/models/grid/samples?seed=1");
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "1");
  const error = await errorOf(res);
  assert.equal(error.code, "model_error");
  assert.doesNotMatch(JSON.stringify(error), /secret/);
});

Deno.test("a backend whose queue is full gives 503 overloaded with Retry-After", async () => {
  const { app, opened } = await makeTestApp();
  const grid = opened.find((b) => b.name === "onnx")!;
  grid.run = () =>
    Promise.reject(new BackendBusyError("Cannot run the model as the queue is full"));
  const res = await app.request("/v1/models/grid/samples?seed=1");
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "1");
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal((await errorOf(res)).code, "overloaded");
});

Deno.test("GET /readyz answers 503 with the runtime's problem while it has one", async () => {
  let problem: { code: string; message: string } | undefined = {
    code: "restarting",
    message: "Cannot serve as the inference thread is restarting: the log says why",
  };
  const { app } = await makeTestApp({ runtimeProblem: () => problem });
  const res = await app.request("/readyz");
  assert.equal(res.status, 503);
  assert.equal((await errorOf(res)).code, "restarting");
  problem = undefined;
  assert.equal((await app.request("/readyz")).status, 200);
});

Deno.test("GET /metrics reports requests, latency and sampler counters", async () => {
  const { app } = await makeTestApp({ limits: { budget: 100 } });
  await app.request("/v1/models/grid/samples?n=4&seed=1");
  await app.request("/v1/models/grid/samples?n=0");
  await app.request("/v1/models/grid/samples?n=256&seed=1");
  const res = await app.request("/metrics");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(
    text,
    /drs_http_requests_total\{route="\/v1\/models\/:id\/samples",status="200"\} 1/,
  );
  assert.match(
    text,
    /drs_http_requests_total\{route="\/v1\/models\/:id\/samples",status="400"\} 1/,
  );
  assert.match(
    text,
    /drs_http_request_duration_seconds_bucket\{route="\/v1\/models\/:id\/samples",le="\+Inf"\} 3/,
  );
  assert.match(text, /drs_accepted_total\{model="grid",version="1"\} \d+/);
  assert.match(text, /drs_proposals_total\{model="grid",version="1"\} \d+/);
  assert.match(text, /drs_logm_raises_total\{model="grid",version="1"\} \d+/);
  assert.match(text, /drs_nonfinite_logits_total\{model="grid",version="1"\} 0/);
  assert.match(
    text,
    /drs_budget_exhaustions_total\{model="grid",version="1",reason="budget"\} 1/,
  );
  assert.match(text, /drs_models_loaded 2/);
  assert.match(text, /drs_model_versions_loaded 2/);
  assert.match(
    text,
    /drs_model_version_info\{model="grid",version="1",state="ready",default="true",backend="onnx"\} 1/,
  );
});
