import assert from "node:assert/strict";
import { makeTestApp } from "../testing/test_app.ts";
import { fakeModelFiles } from "../testing/fake_models.ts";
import { parseSampleQuery, resolveSampler } from "./query.ts";

const parse = (q: string) => parseSampleQuery(new URLSearchParams(q));

Deno.test("parseSampleQuery() takes sampler, k and psi and refuses parameters of another sampler", () => {
  assert.deepEqual(
    [parse("sampler=mh&k=12").sampler, parse("sampler=mh&k=12").k],
    ["mh", 12],
  );
  assert.equal(parse("sampler=truncation&psi=0.7").psi, 0.7);
  const refused: [string, RegExp][] = [
    ["sampler=gibbs", /'sampler' must be one of drs, mh, raw, truncation/],
    ["sampler=mh&k=1", /'k' must be an integer in 2\.\.64/],
    ["sampler=mh&k=65", /'k' must be an integer in 2\.\.64/],
    ["sampler=truncation&psi=0", /'psi' must be a number in \(0, 4\]/],
    ["sampler=truncation&psi=5", /'psi' must be a number in \(0, 4\]/],
    [
      "sampler=drs&psi=1",
      /'psi' has no effect when sampler=drs: remove it or use sampler=truncation/,
    ],
    ["sampler=mh&gamma=1", /'gamma' has no effect when sampler=mh/],
    ["drs=false&sampler=mh", /'drs=false' asks for raw samples but 'sampler' is 'mh'/],
    ["drs=false&k=3", /'k' has no effect when drs=false/],
  ];
  for (const [query, message] of refused) {
    assert.throws(() => parse(query), (e: Error & { status: number }) => {
      assert.equal(e.status, 400, query);
      assert.match(e.message, message, query);
      return true;
    });
  }
});

Deno.test("resolveSampler() fills the model's defaults; drs=false is raw", () => {
  assert.deepEqual(resolveSampler(undefined, parse("")), {
    kind: "drs",
    gamma: undefined,
    acceptance: undefined,
  });
  assert.deepEqual(resolveSampler(undefined, parse("drs=false")), { kind: "raw" });
  assert.deepEqual(resolveSampler(undefined, parse("sampler=raw")), { kind: "raw" });
  assert.deepEqual(resolveSampler({ k: 4 }, parse("sampler=mh")), { kind: "mh", k: 4 });
  // A manifest's DRS acceptance applies unless the request names acceptance or gamma.
  const drs = (q: string) => resolveSampler({ default: "drs", acceptance: 0.3 }, parse(q));
  assert.deepEqual(drs(""), { kind: "drs", gamma: undefined, acceptance: 0.3 });
  assert.deepEqual(drs("acceptance=0.5"), { kind: "drs", gamma: undefined, acceptance: 0.5 });
  assert.deepEqual(drs("gamma=1"), { kind: "drs", gamma: 1, acceptance: undefined });
  assert.deepEqual(resolveSampler({ default: "mh" }, parse("")), { kind: "mh", k: 8 });
  assert.deepEqual(resolveSampler({ default: "mh" }, parse("k=3")), { kind: "mh", k: 3 });
  assert.deepEqual(resolveSampler({}, parse("sampler=truncation")), {
    kind: "truncation",
    psi: 1,
  });
  assert.throws(
    () => resolveSampler({ default: "mh" }, parse("gamma=1")),
    /'gamma' has no effect with this model's default sampler 'mh': add sampler=drs/,
  );
  assert.throws(
    () => resolveSampler(undefined, parse("k=4")),
    /'k' has no effect with this model's default sampler 'drs': add sampler=mh/,
  );
});

Deno.test("GET /v1/models/:id/samples serves every sampler and counts G+D evaluations", async () => {
  const { app, opened } = await makeTestApp();
  const get = async (query: string) => {
    const res = await app.request(`/v1/models/grid/samples?n=8&seed=5&${query}`);
    assert.equal(res.status, 200, query);
    return await res.json();
  };
  const mh = await get("sampler=mh&k=6");
  assert.equal(mh.sampler, "mh");
  assert.equal(mh.k, 6);
  assert.equal(mh.drs, false);
  assert.equal(mh.stats.proposals, 48, "k G+D evaluations per sample");
  const trunc = await get("sampler=truncation&psi=0.5");
  assert.equal(trunc.psi, 0.5);
  assert.equal(trunc.stats.proposals, 8);
  const drs = await get("sampler=drs");
  assert.deepEqual(drs, await get(""), "sampler=drs is the default's bytes");
  assert.equal(drs.sampler, undefined, "DRS bodies keep their form");
  const raw = await get("sampler=raw");
  assert.deepEqual(raw, await get("drs=false"));
  assert.ok(opened.length > 0);
  const described = await (await app.request("/v1/models/grid")).json();
  assert.deepEqual(described.samplers, {
    default: "drs",
    k: 8,
    psi: 1,
    available: ["drs", "mh", "raw", "truncation"],
  });
});

Deno.test("GET /v1/models/:id/samples refuses an MH chain the budget cannot pay for", async () => {
  const { app } = await makeTestApp({ limits: { budget: 1000 } });
  const res = await app.request("/v1/models/grid/samples?n=256&seed=1&sampler=mh&k=64");
  assert.equal(res.status, 400);
  const { error } = await res.json();
  assert.equal(error.details.parameter, "k");
  assert.match(error.message, /'k' = 64 .* n = 256 would need about 16400 proposals/);
});

Deno.test("GET /v1/models/:id/samples serves a manifest's DRS acceptance when the request names none", async () => {
  const grid = await fakeModelFiles("grid", "points2d");
  const manifest = JSON.parse(new TextDecoder().decode(grid.get("manifest.json")));
  manifest.samplers = { default: "drs", acceptance: 0.3 };
  grid.set("manifest.json", new TextEncoder().encode(JSON.stringify(manifest)));
  const { app } = await makeTestApp({ models: { grid } });
  const get = async (query: string) =>
    await (await app.request(`/v1/models/grid/samples?n=32&seed=9${query}`)).json();
  const served = await get("");
  assert.deepEqual(served, await get("&acceptance=0.3"), "the default is acceptance=0.3");
  assert.notDeepEqual(served.stats, (await get("&acceptance=0.9")).stats);
  const described = await (await app.request("/v1/models/grid")).json();
  assert.equal(described.samplers.acceptance, 0.3);
});
