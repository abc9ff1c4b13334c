import assert from "node:assert/strict";
import { decode } from "fast-png";
import { verifyUrl } from "../shared/signing.ts";
import { demoHtml, escapeHtml } from "./demo/page.ts";
import { gridPng } from "./render/mod.ts";
import { DEMO_SEEDS } from "./routes/demo.ts";
import { fakeModelFiles } from "../testing/fake_models.ts";
import { makeTestApp } from "../testing/test_app.ts";

function imgSources(html: string): string[] {
  return [...html.matchAll(/<img class="(raw|drs)" src="([^"]+)"/g)].map((m) =>
    m[2].replaceAll("&#38;", "&")
  );
}

Deno.test("GET /demo serves raw and DRS signed URLs that load, signed with the demo's key only", async () => {
  const { app, key } = await makeTestApp();
  for (const path of ["/", "/demo"]) {
    const res = await app.request(`http://demo.test${path}`);
    assert.equal(res.status, 200);
    assert.ok(res.headers.get("content-type")?.startsWith("text/html"));
    const html = await res.text();
    assert.ok(html.includes("<option selected>tiles</option>"), "picks the image model");
    const srcs = imgSources(html);
    assert.equal(srcs.length, 2 * DEMO_SEEDS.length);
    for (const src of srcs) {
      const url = new URL(src);
      assert.equal(url.origin, "http://demo.test");
      // Never a production key: the demo mints with its own (kid demo-...).
      const verdict = await verifyUrl(url, [key], { now: Math.floor(Date.now() / 1000) });
      assert.equal(verdict.ok, false, src);
      assert.match(url.searchParams.get("kid")!, /^demo-[0-9a-f]{8}$/);
      const img = await app.request(src);
      assert.equal(img.status, 200, src);
      assert.equal(img.headers.get("content-type"), "image/png");
    }
    assert.deepEqual(srcs.filter((s) => s.includes("drs=false")).length, DEMO_SEEDS.length);
  }
});

Deno.test("GET /demo/urls re-mints the DRS URLs for a new acceptance target", async () => {
  const { app } = await makeTestApp();
  const res = await app.request("http://demo.test/demo/urls?model=tiles&acceptance=0.3");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.model, "tiles");
  assert.equal(body.acceptance, 0.3);
  assert.equal(body.pairs.length, DEMO_SEEDS.length);
  for (const p of body.pairs) {
    assert.equal(new URL(p.drs).searchParams.get("acceptance"), "0.3");
    assert.equal(new URL(p.raw).searchParams.get("drs"), "false");
  }
  const grid = await app.request("http://demo.test/demo?model=grid&acceptance=0.5");
  assert.equal(grid.status, 200);
  const gridSrcs = imgSources(await grid.text());
  assert.equal(gridSrcs.length, 2 * DEMO_SEEDS.length);
  assert.ok(gridSrcs.every((s) => s.includes("/v1/s/grid.png")));
  for (const src of gridSrcs) {
    // A points2d demo asks for as many points as a request may hold, and they load.
    assert.equal(new URL(src).searchParams.get("n"), "256");
    assert.equal((await app.request(src)).status, 200, src);
  }
});

Deno.test("GET /demo refuses a bad acceptance or an unknown model", async () => {
  const { app } = await makeTestApp();
  assert.equal((await app.request("/demo?acceptance=1.5")).status, 400);
  assert.equal((await app.request("/demo/urls?acceptance=abc")).status, 400);
  assert.equal((await app.request("/demo?model=nope")).status, 404);
});

Deno.test("escapeHtml() escapes markup in model ids and URLs", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;",
  );
  const html = demoHtml({
    models: ["<x>"],
    model: "<x>",
    classes: ["<y>"],
    sampler: "drs",
    k: 8,
    psi: 1,
    acceptance: 0.5,
    expectedAcceptance: 0.2,
    pairs: [{ seed: 1, raw: 'http://a/?a=1&b="2', drs: "http://a/" }],
  });
  assert.ok(!html.includes("<x>") && !html.includes("<y>") && !html.includes('b="2'));
});

Deno.test("GET /demo offers a class picker for class-conditional models and other samplers", async () => {
  const digits = await fakeModelFiles("digits", "image", { classes: ["zero", "one", "two"] });
  const { app } = await makeTestApp({ models: { digits } });
  const html = await (await app.request("http://demo.test/demo?model=digits&class=one")).text();
  assert.match(html, /<select id="class" name="class">/);
  assert.match(html, /<option value="1" selected>1: one<\/option>/);
  for (const src of imgSources(html)) {
    assert.equal(new URL(src).searchParams.get("class"), "1");
    assert.equal((await app.request(src)).status, 200, src);
  }
  const tiles = await (await app.request("http://demo.test/demo?model=tiles")).text();
  assert.doesNotMatch(tiles, /id="class"/, "no class picker without classes");
  const mh = await (await app.request(
    "http://demo.test/demo/urls?model=digits&sampler=mh&k=4&class=any",
  )).json();
  assert.equal(mh.sampler, "mh");
  assert.equal(mh.label, undefined);
  for (const p of mh.pairs) {
    const q = new URL(p.drs).searchParams;
    assert.deepEqual([q.get("sampler"), q.get("k"), q.get("class")], ["mh", "4", null]);
    assert.equal((await app.request(p.drs)).status, 200);
  }
  const truncation = await (await app.request(
    "http://demo.test/demo/urls?model=tiles&sampler=truncation&psi=0.5",
  )).json();
  assert.equal(new URL(truncation.pairs[0].drs).searchParams.get("psi"), "0.5");
  const bad = await app.request("http://demo.test/demo?model=digits&class=nine");
  assert.equal(bad.status, 400);
});

Deno.test("gridPng() renders one sample at exactly h * scale by w * scale, nearest neighbour", () => {
  for (const scale of [1, 3, 8]) {
    const x = new Float32Array(28 * 28).fill(-1);
    x[0] = 1; // top-left pixel white
    x[28 * 27 + 27] = 0; // bottom-right pixel mid grey
    const png = decode(gridPng(x, 1, [28, 28, 1], { scale }));
    assert.deepEqual([png.width, png.height], [28 * scale, 28 * scale]);
    const at = (px: number, py: number) => png.data[(py * png.width + px) * png.channels];
    assert.equal(at(0, 0), 255);
    assert.equal(at(scale - 1, scale - 1), 255);
    assert.equal(at(scale, 0), 0);
    assert.equal(at(28 * scale - 1, 28 * scale - 1), 128);
  }
});

Deno.test("GET /demo/urls starts on the model's served default: its sampler and DRS acceptance", async () => {
  const withDefaults = async (samplers: Record<string, unknown>) => {
    const tiles = await fakeModelFiles("tiles", "image");
    const manifest = JSON.parse(new TextDecoder().decode(tiles.get("manifest.json")));
    manifest.samplers = samplers;
    tiles.set("manifest.json", new TextEncoder().encode(JSON.stringify(manifest)));
    const { app } = await makeTestApp({ models: { tiles } });
    return await (await app.request("http://demo.test/demo/urls?model=tiles")).json();
  };
  const mh = await withDefaults({ default: "mh", k: 6 });
  assert.equal(mh.sampler, "mh");
  assert.equal(new URL(mh.pairs[0].drs).searchParams.get("k"), "6");
  const drs = await withDefaults({ default: "drs", acceptance: 0.3 });
  assert.equal(drs.acceptance, 0.3);
  assert.equal(new URL(drs.pairs[0].drs).searchParams.get("acceptance"), "0.3");
  // Outside the page's slider: clamped to it.
  assert.equal((await withDefaults({ acceptance: 0.01 })).acceptance, 0.05);
});
