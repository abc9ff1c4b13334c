import assert from "node:assert/strict";
import { fakeModelFiles } from "../testing/fake_models.ts";
import { makeTestApp } from "../testing/test_app.ts";
import { signedSampleUrl } from "./signed_url.ts";
import { decode } from "fast-png";

const LABELS = ["zero", "one", "two"];

async function digitsApp() {
  const digits = await fakeModelFiles("digits", "image", { classes: LABELS });
  return await makeTestApp({ models: { digits }, adminToken: "admin-token-0123456789" });
}

Deno.test("GET /v1/models/:id lists a class-conditional model's classes", async () => {
  const { app } = await digitsApp();
  const body = await (await app.request("/v1/models/digits")).json();
  assert.deepEqual(body.classes, LABELS);
  assert.equal(body.drs.classes.length, 3);
  assert.equal(body.drs.classes[0].fQuantiles, undefined, "quantile tables stay in the manifest");
  assert.equal((await (await app.request("/v1/models/grid")).json()).classes, undefined);
});

Deno.test("GET /v1/models/:id/samples?class= samples one class, by index or label, same bytes", async () => {
  const { app, opened } = await digitsApp();
  const byIndex = await app.request("/v1/models/digits/samples?n=5&seed=3&class=2");
  assert.equal(byIndex.status, 200);
  const body = await byIndex.json();
  assert.equal(body.class, 2);
  assert.deepEqual(body.classes, [2, 2, 2, 2, 2]);
  const described = await (await app.request("/v1/models/digits")).json();
  assert.equal(body.stats.logM, described.drs.classes[2].logM, "class 2's own logM");
  assert.equal(body.stats.gamma, described.drs.classes[2].gamma, "class 2's own gamma");
  const byLabel = await app.request("/v1/models/digits/samples?n=5&seed=3&class=TWO");
  assert.deepEqual(await byLabel.json(), body);
  assert.equal(byLabel.headers.get("etag"), byIndex.headers.get("etag"));
  const digits = opened.find((b) => "classes" in b) as unknown as { classes: Int32Array[] };
  assert.ok(digits.classes.every((c) => c.every((k) => k === 2)), "G and D got class 2");
});

Deno.test("GET /v1/models/:id/samples without a class draws classes per proposal", async () => {
  const { app } = await digitsApp();
  const body = await (await app.request("/v1/models/digits/samples?n=60&seed=1")).json();
  assert.equal(body.class, undefined);
  assert.equal(body.classes.length, 60);
  assert.deepEqual(new Set(body.classes), new Set([0, 1, 2]));
  const raw = await (await app.request("/v1/models/digits/samples?n=6&seed=1&drs=false")).json();
  assert.equal(raw.classes.length, 6);
});

Deno.test("GET /v1/models/:id/samples refuses an unknown class naming the valid ones", async () => {
  const { app } = await digitsApp();
  for (const bad of ["3", "seven", "-1"]) {
    const res = await app.request(`/v1/models/digits/samples?n=1&seed=1&class=${bad}`);
    assert.equal(res.status, 400);
    const { error } = await res.json();
    assert.equal(error.code, "invalid_parameter");
    assert.equal(error.details.parameter, "class");
    assert.match(error.message, /valid classes are 0 \(zero\), 1 \(one\), 2 \(two\)/);
  }
  const res = await app.request("/v1/models/grid/samples?n=1&seed=1&class=1");
  assert.equal(res.status, 400);
  assert.match((await res.json()).error.message, /model 'grid' has no classes/);
});

Deno.test("signed URLs carry the class, and POST /v1/sign refuses a class the model lacks", async () => {
  const { app, key } = await digitsApp();
  const url = await signedSampleUrl(key, { model: "digits", seed: 4, n: 3, class: "one" }, {
    base: "http://edge.test",
    expiresAt: Math.floor(Date.now() / 1000) + 600,
  });
  const signed = await app.request(url.href.replace(".png", ".json"));
  assert.equal(signed.status, 403, "the extension is signed too");
  const res = await app.request(url.href);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "image/png");
  const tampered = new URL(url);
  tampered.searchParams.set("class", "two");
  assert.equal((await app.request(tampered.href)).status, 403);
  const sign = (body: unknown) =>
    app.request("/v1/sign", {
      method: "POST",
      headers: { authorization: "Bearer admin-token-0123456789" },
      body: JSON.stringify(body),
    });
  const ok = await sign({ model: "digits", seed: 1, class: 1 });
  assert.equal(ok.status, 200);
  assert.match((await ok.json()).url, /[?&]class=1(&|$)/);
  const bad = await sign({ model: "digits", seed: 1, class: "nine" });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error.message, /valid classes are/);
});

Deno.test("GET /v1/models/:id/samples?class=all returns n of each class: JSON class-major, PNG one row per class", async () => {
  const { app } = await digitsApp();
  const res = await app.request("/v1/models/digits/samples?n=4&seed=2&class=all");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.class, "all");
  assert.equal(body.n, 12);
  assert.deepEqual(body.classes, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  const one = await (await app.request("/v1/models/digits/samples?n=4&seed=2&class=1")).json();
  assert.deepEqual(body.samples.slice(4, 8), one.samples, "row 1 is what class=1 returns");
  assert.equal(body.stats.accepted, 12);
  const png = await app.request("/v1/models/digits/samples?n=4&seed=2&class=ALL&format=png");
  const grid = decode(new Uint8Array(await png.arrayBuffer()));
  // 4 columns x 3 rows (one per class) of 4x4 images at scale 1 with 1-pixel gutters.
  assert.deepEqual([grid.width, grid.height], [4 * 4 + 5, 3 * 4 + 4]);
  const etag = async (q: string) =>
    (await app.request(`/v1/models/digits/samples?${q}`)).headers.get("etag");
  assert.notEqual(await etag("n=4&seed=2&class=all"), await etag("n=4&seed=2"));
  const tooMany = await app.request("/v1/models/digits/samples?n=86&seed=2&class=all");
  assert.equal(tooMany.status, 400);
  const { error } = await tooMany.json();
  assert.equal(error.details.parameter, "n");
  assert.match(error.message, /'n' must be at most 85 with 'class=all'.*current value is 86/);
});
