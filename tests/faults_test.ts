/**
 * Faults inside a running app (fault-injecting fake backends, `app.request()`): a D that
 * returns NaN or +Inf logits, a generator that throws, and load-time failures. The design:
 *
 * - non-finite logits are rejected and counted; when nothing finite is left the request ends
 *   in `503 budget_exhausted` with `Retry-After` and the partial stats;
 * - a backend that throws answers `503 model_error` with `Retry-After` for that model only
 *   (logged, counted, nothing internal in the body); the limiter slot is freed;
 * - a model that fails to load answers `503 model_unavailable` naming the file or field;
 * - every other model keeps serving, and replaced or disposed backends are released.
 */

import assert from "node:assert/strict";
import type { FakeBackend } from "../testing/fake_backends.ts";
import { fakeModelFiles } from "../testing/fake_models.ts";
import { makeTestApp } from "../testing/test_app.ts";

// deno-lint-ignore no-explicit-any
async function json(res: Response): Promise<any> {
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  return await res.json();
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Replaces D's logits (`run`) with `fill` for every proposal where `every(i)` holds. */
function poisonLogits(backend: FakeBackend, fill: number, every = (_i: number) => true): void {
  const run = backend.run.bind(backend);
  backend.run = async (z, n) => {
    const out = await run(z, n);
    for (let i = 0; i < n; i++) if (every(i)) out.logits[i] = fill;
    return out;
  };
}

for (const [label, fill] of [["NaN", NaN], ["+Inf", Infinity]] as const) {
  Deno.test(`sampleBody() rejects ${label} logits, counts them and answers 503 with Retry-After`, async () => {
    const { app, opened } = await makeTestApp({ limits: { budget: 2000 } });
    poisonLogits(opened[0], fill);
    const res = await app.request("/v1/models/grid/samples?n=4&seed=1");
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("retry-after"), "1");
    const { error } = await json(res);
    assert.equal(error.code, "budget_exhausted");
    assert.equal(error.details.reason, "budget");
    assert.equal(error.details.stats.accepted, 0);
    assert.equal(error.details.stats.nonFiniteLogits, 2000);
    assert.equal(error.details.stats.logMRaises, 0, `${label} never raises logM`);
    const metrics = await (await app.request("/metrics")).text();
    assert.equal(metric(metrics, 'drs_nonfinite_logits_total{model="grid",version="1"}'), 2000);
    assert.equal(metric(metrics, "drs_sampler_active"), 0);
    const other = await app.request("/v1/models/tiles/samples?n=4&seed=1");
    assert.equal(other.status, 200, "the other model keeps serving");
  });
}

Deno.test("sampleBody() serves finite samples when some logits are NaN or +Inf, counting them", async () => {
  const { app, opened } = await makeTestApp();
  poisonLogits(opened[0], NaN, (i) => i % 3 === 0);
  poisonLogits(opened[0], Infinity, (i) => i % 3 === 1);
  const res = await app.request("/v1/models/grid/samples?n=64&seed=3");
  assert.equal(res.status, 200);
  const body = await json(res);
  assert.equal(body.samples.length, 64);
  assert.ok(body.samples.flat().every(Number.isFinite));
  assert.ok(body.stats.nonFiniteLogits >= Math.floor((body.stats.proposals * 2) / 3) - 1);
  assert.equal(body.stats.logMRaised, false);
});

Deno.test("sampleBody() answers 503 model_error for a throwing generator, other models unaffected", async () => {
  const { app, opened } = await makeTestApp({ limits: { concurrency: 1, queue: 0 } });
  const grid = opened[0];
  const { run, generate } = grid;
  const internals = "ORT: tensor 0x7f3a invalid at /srv/secret/path";
  grid.run = () => Promise.reject(new Error(internals));
  grid.generate = () => {
    throw new TypeError(internals); // thrown synchronously, not rejected
  };
  for (const query of ["n=4&seed=1", "n=4&seed=1&drs=false", "n=1&format=png"]) {
    const res = await app.request(`/v1/models/grid/samples?${query}`);
    assert.equal(res.status, 503, query);
    assert.equal(res.headers.get("retry-after"), "1");
    const text = await res.text();
    assert.equal(JSON.parse(text).error.code, "model_error");
    assert.ok(!text.includes("secret") && !text.includes("0x7f3a"), text);
    // concurrency 1, queue 0: a slot left held would turn the next request into 503 overloaded.
    const other = await app.request("/v1/models/tiles/samples?n=2&seed=1");
    assert.equal(other.status, 200, `after ${query}`);
  }
  const metrics = await (await app.request("/metrics")).text();
  assert.equal(metric(metrics, 'drs_backend_errors_total{model="grid",version="1"}'), 3);
  assert.equal(metric(metrics, "drs_sampler_active"), 0);
  assert.equal(metric(metrics, "drs_overloaded_total"), 0);
  Object.assign(grid, { run, generate });
  assert.equal((await app.request("/v1/models/grid/samples?n=4&seed=1")).status, 200, "recovers");
});

Deno.test("registry load faults answer 503 model_unavailable naming the file or field", async () => {
  const encoder = new TextEncoder();
  const broken = await fakeModelFiles("broken", "points2d");
  broken.set("generator.onnx", encoder.encode("corrupted bytes"));
  const missing = await fakeModelFiles("missing", "points2d");
  missing.delete("discriminator.onnx");
  const invalid = await fakeModelFiles("invalid", "points2d");
  const manifest = JSON.parse(new TextDecoder().decode(invalid.get("manifest.json")));
  invalid.set("manifest.json", encoder.encode(JSON.stringify({ ...manifest, latentDim: -3 })));
  const notJson = await fakeModelFiles("notjson", "points2d");
  notJson.set("manifest.json", encoder.encode("{ truncated"));
  const { app } = await makeTestApp({ models: { broken, missing, invalid, notjson: notJson } });
  const reasons: Record<string, RegExp> = {
    broken: /'broken\/generator\.onnx' as its contents do not match the manifest/,
    missing: /'missing\/discriminator\.onnx' as it cannot be read/,
    invalid: /invalid\/manifest\.json.*latentDim/,
    notjson: /notjson\/manifest\.json/,
  };
  for (const [id, reason] of Object.entries(reasons)) {
    const res = await app.request(`/v1/models/${id}/samples?seed=1`);
    assert.equal(res.status, 503, id);
    const { error } = await json(res);
    assert.equal(error.code, "model_unavailable");
    assert.match(error.details.reason, reason);
  }
  const listed = await json(await app.request("/v1/models"));
  assert.deepEqual(listed.models.map((m: { id: string }) => m.id), ["grid", "tiles"]);
  assert.deepEqual(
    listed.unavailable.map((e: { id: string }) => e.id).sort(),
    Object.keys(reasons).sort(),
  );
  assert.equal((await app.request("/v1/models/grid/samples?seed=1")).status, 200);
  assert.equal((await app.request("/readyz")).status, 200);
});

Deno.test("registry.load() and dispose() release every backend they retire", async () => {
  const grid = await fakeModelFiles("grid", "points2d");
  const { registry, opened } = await makeTestApp({ models: { grid } });
  assert.equal(opened.length, 2);
  await registry.load();
  assert.equal(opened.length, 2, "an unchanged version is not opened again");
  // Versions 2 and 3 of grid beside the flat version 1: keeping 2, version 1 retires.
  for (const [path, bytes] of [...grid]) for (const v of [2, 3]) grid.set(`${v}/${path}`, bytes);
  await registry.load();
  assert.equal(opened.length, 4);
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(opened.map((b) => b.disposed), [true, false, false, false]);
  await registry.dispose();
  assert.ok(opened.every((b) => b.disposed));
});

Deno.test("sampleBody() answers 503 at the deadline for a generator that never answers", async () => {
  const { app, opened } = await makeTestApp({
    limits: { concurrency: 1, queue: 0, deadlineMs: 150 },
  });
  const grid = opened[0];
  grid.run = () => new Promise(() => {}); // hangs forever
  grid.generate = () => new Promise(() => {});
  for (const query of ["n=4&seed=1", "n=4&seed=1&drs=false"]) {
    const started = performance.now();
    const res = await app.request(`/v1/models/grid/samples?${query}`);
    assert.equal(res.status, 503, query);
    assert.equal(res.headers.get("retry-after"), "1");
    const { error } = await json(res);
    assert.equal(error.code, "budget_exhausted");
    assert.equal(error.details.reason, "deadline");
    assert.ok(performance.now() - started < 2000, "answered near the deadline");
    // concurrency 1, queue 0: a slot still held would make this 503 overloaded.
    assert.equal((await app.request("/v1/models/tiles/samples?n=2&seed=1")).status, 200, query);
  }
});

Deno.test("class faults: a class whose logits are all NaN answers 503 alone; class=all reports every class's spend", async () => {
  const digits = await fakeModelFiles("digits", "image", { classes: ["zero", "one", "two"] });
  const { app, opened } = await makeTestApp({
    models: { digits },
    limits: { budget: 3000, concurrency: 1, queue: 0 },
  });
  const backend = opened.find((b) => "classes" in b)!;
  const run = backend.run.bind(backend);
  backend.run = async (z, n, options) => {
    const out = await run(z, n, options);
    for (let i = 0; i < n; i++) if (options?.classes?.[i] === 1) out.logits[i] = NaN;
    return out;
  };
  const poisoned = await app.request("/v1/models/digits/samples?n=4&seed=1&class=one");
  assert.equal(poisoned.status, 503);
  const { error } = await json(poisoned);
  assert.equal(error.code, "budget_exhausted");
  assert.equal(error.details.stats.nonFiniteLogits, 3000);
  const fine = await app.request("/v1/models/digits/samples?n=4&seed=1&class=two");
  assert.equal(fine.status, 200, "the other classes keep serving");
  const all = await app.request("/v1/models/digits/samples?n=4&seed=1&class=all");
  assert.equal(all.status, 503);
  const spent = (await json(all)).error.details;
  assert.equal(spent.stats.accepted, 4, "class 0's four samples count");
  assert.ok(spent.evaluated <= 3000 && spent.evaluated > 2990, `${spent.evaluated}`);
  backend.run = () => Promise.reject(new Error("ORT: secret"));
  const broken = await app.request("/v1/models/digits/samples?n=2&seed=1&class=all");
  assert.equal(broken.status, 503);
  assert.equal((await json(broken)).error.code, "model_error");
  backend.run = run;
  const metrics = await (await app.request("/metrics")).text();
  assert.equal(metric(metrics, "drs_sampler_active"), 0, "every slot was released");
  assert.equal(
    (await app.request("/v1/models/digits/samples?n=2&seed=1&class=all")).status,
    200,
    "recovers",
  );
});
