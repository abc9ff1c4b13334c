import assert from "node:assert/strict";
import { decode } from "fast-png";
import { signUrl } from "../shared/signing.ts";
import { signedSampleUrl } from "./signed_url.ts";
import { testKey } from "../testing/fake_models.ts";
import { makeTestApp } from "../testing/test_app.ts";

const NOW = 1_700_000_000;

async function setup(adminToken?: string) {
  const t = await makeTestApp({ nowSeconds: () => NOW, adminToken });
  const url = await signedSampleUrl(t.key, { model: "grid", seed: 7, n: 16 }, {
    base: "http://localhost",
    expiresAt: NOW + 600,
  });
  return { ...t, url };
}

const pathOf = (url: URL) => url.pathname + url.search;

Deno.test("GET /v1/s/:model.png serves a valid signed URL as a cacheable cross-origin PNG", async () => {
  const { app, url } = await setup();
  assert.equal(url.pathname, "/v1/s/grid.png");
  const res = await app.request(pathOf(url));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "image/png");
  // Not pinned to a version: its bytes follow the default version, so not `immutable`.
  assert.equal(res.headers.get("cache-control"), "public, max-age=600");
  assert.match(res.headers.get("etag")!, /^"[0-9a-f]{32}"$/);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.equal(res.headers.get("cross-origin-resource-policy"), "cross-origin");
  const png = decode(new Uint8Array(await res.arrayBuffer()));
  assert.equal(png.width, 256);
});

Deno.test("GET /v1/s/:model.png gives the same bytes as the plain PNG route", async () => {
  const { app, url } = await setup();
  const signed = new Uint8Array(await (await app.request(pathOf(url))).arrayBuffer());
  const plain = await app.request("/v1/models/grid/samples?n=16&seed=7&format=png");
  assert.deepEqual(signed, new Uint8Array(await plain.arrayBuffer()));
});

Deno.test("GET /v1/s/:model.png answers 304 to a matching If-None-Match", async () => {
  const { app, url } = await setup();
  const etag = (await app.request(pathOf(url))).headers.get("etag")!;
  const res = await app.request(pathOf(url), { headers: { "if-none-match": etag } });
  assert.equal(res.status, 304);
  assert.equal(res.headers.get("cache-control"), "public, max-age=600");
});

Deno.test("GET /v1/s/:model.png refuses tampered and unsigned URLs with 403 JSON", async () => {
  const { app, url } = await setup();
  const tampered = new URL(url);
  tampered.searchParams.set("n", "17");
  const unsigned = new URL(url);
  unsigned.searchParams.delete("sig");
  const otherModel = new URL(url);
  otherModel.pathname = "/v1/s/tiles.png";
  for (const bad of [tampered, unsigned, otherModel]) {
    const res = await app.request(pathOf(bad));
    assert.equal(res.status, 403, pathOf(bad));
    assert.match(res.headers.get("content-type")!, /^application\/json/);
    const { error } = await res.json();
    assert.ok(["bad_signature", "unsigned"].includes(error.code));
  }
});

Deno.test("GET /v1/s/:model.png answers 410 once the URL has expired", async () => {
  const { app, key } = await setup();
  const url = await signedSampleUrl(key, { model: "grid", seed: 7 }, {
    base: "http://localhost",
    expiresAt: NOW - 1,
  });
  const res = await app.request(pathOf(url));
  assert.equal(res.status, 410);
  assert.equal((await res.json()).error.code, "expired");
});

Deno.test("GET /v1/s/:model.png accepts every configured key (rotation)", async () => {
  const old = await testKey("old");
  const { app } = await makeTestApp({ nowSeconds: () => NOW, keys: [await testKey("new"), old] });
  const url = await signedSampleUrl(old, { model: "grid", seed: 1 }, {
    base: "http://x",
    expiresAt: NOW + 5,
  });
  assert.equal((await app.request(pathOf(url))).status, 200);
  const stranger = await testKey("gone");
  const bad = await signedSampleUrl(stranger, { model: "grid", seed: 1 }, {
    base: "http://x",
    expiresAt: NOW + 5,
  });
  assert.equal((await app.request(pathOf(bad))).status, 403);
});

Deno.test("GET /v1/s/ validates the signed query and the model", async () => {
  const { app, key } = await setup();
  const noSeed = await signUrl(new URL("http://x/v1/s/grid.png?n=2"), key, { expiresAt: NOW + 60 });
  const res = await app.request(pathOf(noSeed));
  assert.equal(res.status, 400);
  assert.match((await res.json()).error.message, /'seed' is required/);
  const unknown = await signUrl(new URL("http://x/v1/s/nope.png?seed=1"), key, {
    expiresAt: NOW + 60,
  });
  assert.equal((await app.request(pathOf(unknown))).status, 404);
  const json = await signedSampleUrl(key, { model: "grid", seed: 1, format: "json" }, {
    base: "http://x",
    expiresAt: NOW + 60,
  });
  const body = await (await app.request(pathOf(json))).json();
  assert.equal(body.seed, 1);
});

Deno.test("POST /v1/sign mints a URL that the server accepts", async () => {
  const { app } = await setup("admin-token");
  const res = await app.request("http://edge.example/v1/sign", {
    method: "POST",
    headers: { authorization: "Bearer admin-token", "content-type": "application/json" },
    body: JSON.stringify({ model: "grid", seed: 7, n: 16, ttl: 120 }),
  });
  assert.equal(res.status, 200);
  const { url, expiresAt, kid } = await res.json();
  assert.equal(expiresAt, NOW + 120);
  assert.equal(kid, "k1");
  assert.match(url, /^http:\/\/edge\.example\/v1\/s\/grid\.png\?/);
  const served = await app.request(pathOf(new URL(url)));
  assert.equal(served.status, 200);
  assert.equal(served.headers.get("cache-control"), "public, max-age=120, immutable");
});

Deno.test("POST /v1/sign refuses bad tokens, bad bodies and unknown models", async () => {
  const { app } = await setup("admin-token");
  const post = (body: unknown, token = "admin-token") =>
    app.request("/v1/sign", {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  assert.equal((await post({ model: "grid", seed: 1 }, "wrong")).status, 401);
  const noSeed = await post({ model: "grid" });
  assert.equal(noSeed.status, 400);
  assert.match((await noSeed.json()).error.message, /'seed'/);
  const extra = await post({ model: "grid", seed: 1, colour: "red" });
  assert.equal(extra.status, 400);
  assert.match((await extra.json()).error.message, /'colour'/);
  assert.equal((await post("{not json")).status, 400);
  assert.equal((await post({ model: "nope", seed: 1 })).status, 404);
  assert.equal((await post({ model: "grid", seed: 1, ttl: 0 })).status, 400);
});

Deno.test("POST /v1/sign is disabled without an admin token", async () => {
  const { app } = await setup();
  const res = await app.request("/v1/sign", {
    method: "POST",
    headers: { authorization: "Bearer anything" },
    body: JSON.stringify({ model: "grid", seed: 1 }),
  });
  assert.equal(res.status, 404);
});

Deno.test("POST /v1/sign mints several seeds at 1x and 2x with an <img srcset> snippet each", async () => {
  const { app } = await setup("admin-token");
  const res = await app.request("http://edge.example/v1/sign", {
    method: "POST",
    headers: { authorization: "bearer admin-token", "content-type": "application/json" },
    body: JSON.stringify({ model: "grid", seeds: [3, 4], srcset: [1, 2], ttl: 120 }),
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(
    body.urls.map((u: { seed: number; scale: number }) => [u.seed, u.scale]),
    [[3, 1], [3, 2], [4, 1], [4, 2]],
  );
  for (const { url } of body.urls) {
    assert.equal((await app.request(pathOf(new URL(url)))).status, 200, url);
  }
  assert.equal(body.srcset.length, 2);
  const { html, srcset } = body.srcset[0];
  assert.equal(srcset, `${body.urls[0].url} 1x, ${body.urls[1].url} 2x`);
  assert.match(
    html,
    /^<img src="[^"]+" srcset="[^"]+ 1x, [^"]+ 2x" width="256" height="256" alt="[^"]+" loading="lazy" decoding="async">$/,
  );
  const bad = await app.request("http://edge.example/v1/sign", {
    method: "POST",
    headers: { authorization: "Bearer admin-token", "content-type": "application/json" },
    body: JSON.stringify({ model: "grid", seed: 1, seeds: [2] }),
  });
  assert.equal(bad.status, 400);
});

Deno.test("GET /v1/s/ serves a host-bound URL only under its host; DRS_BIND_HOST requires one", async () => {
  const TOKEN = "admin-token-of-at-least-32-bytes-0123456789";
  for (const bindHost of [false, true]) {
    const t = await makeTestApp({
      nowSeconds: () => NOW,
      adminToken: TOKEN,
      security: { bindHost },
    });
    const bound = await signedSampleUrl(t.key, { model: "grid", seed: 7, n: 4 }, {
      base: "https://img.example:8443",
      expiresAt: NOW + 600,
      bindHost: true,
    });
    assert.equal(bound.searchParams.get("host"), "img.example:8443");
    assert.equal((await t.app.request(bound.href)).status, 200, `bindHost ${bindHost}`);
    // The same URL under another name (a CDN alias, another site) is refused.
    for (const other of ["https://img.example", "https://evil.example:8443"]) {
      const res = await t.app.request(other + pathOf(bound));
      assert.equal(res.status, 403);
      assert.equal(res.headers.get("cache-control"), "no-store");
      assert.equal((await res.json()).error.code, "wrong_host");
    }
    const unbound = await signedSampleUrl(t.key, { model: "grid", seed: 7, n: 4 }, {
      base: "https://img.example:8443",
      expiresAt: NOW + 600,
    });
    const res = await t.app.request(unbound.href);
    assert.equal(res.status, bindHost ? 403 : 200);
    if (bindHost) assert.equal((await res.json()).error.code, "unbound_host");
    // The server mints bound URLs when it requires them (or when asked to).
    const minted = await t.app.request("https://img.example/v1/sign", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "grid", seed: 3 }),
    });
    assert.equal(minted.status, 200);
    const url = new URL((await minted.json()).url);
    assert.equal(url.searchParams.get("host"), bindHost ? "img.example" : null);
    assert.equal((await t.app.request(url.href)).status, 200);
  }
});
