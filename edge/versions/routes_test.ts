import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { createRegistry } from "../registry.ts";
import { signedSampleUrl } from "../signed_url.ts";
import {
  fakeModelFiles,
  fakeOpener,
  memorySource,
  type ModelFiles,
  testKey,
} from "../../testing/fake_models.ts";
import { addVersion } from "../../testing/fake_versions.ts";

const ADMIN = "versions-admin-token";
const NOW = 1_800_000_000;

/** Version `v` of grid: its gamma shifted by `v`, so each version gives different samples. */
function shifted(v: number) {
  return (m: Record<string, unknown>) => {
    const drs = m.drs as { gamma: number };
    return { ...m, drs: { ...drs, gamma: drs.gamma + (v - 1) * 0.5 } };
  };
}

async function setup(options: { keep?: number } = {}) {
  const base = await fakeModelFiles("grid", "points2d");
  const grid: ModelFiles = new Map();
  addVersion(grid, base, 1, shifted(1));
  const registry = createRegistry(memorySource({ grid }), fakeOpener(), { keep: options.keep });
  await registry.load();
  const key = await testKey();
  const app = createApp({ registry, keys: [key], adminToken: ADMIN, nowSeconds: () => NOW });
  const addAndReload = async (v: number) => {
    addVersion(grid, base, v, shifted(v));
    const res = await app.request("/v1/admin/reload", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    assert.equal(res.status, 200);
    return await res.json();
  };
  return { app, grid, base, key, registry, addAndReload };
}

async function bytes(res: Response): Promise<Uint8Array> {
  assert.equal(res.status, 200, await res.clone().text());
  return new Uint8Array(await res.arrayBuffer());
}

Deno.test("GET /v1/models/:id/versions/:v/samples serves each loaded version; unpinned moves to the newest", async () => {
  const { app, addAndReload } = await setup();
  const q = "samples?n=8&seed=5";
  const before = await bytes(await app.request(`/v1/models/grid/${q}`));
  const report = await addAndReload(2);
  assert.deepEqual(report.loaded, [{ id: "grid", version: 2 }]);
  const v1 = await app.request(`/v1/models/grid/versions/1/${q}`);
  assert.equal(v1.headers.get("x-drs-model-version"), "1");
  assert.deepEqual(await bytes(v1), before, "version 1 answers with the same bytes");
  const v2 = await app.request(`/v1/models/grid/versions/2/${q}`);
  const v2Bytes = await bytes(v2);
  assert.notDeepEqual(v2Bytes, before, "version 2 is a different model");
  const unpinned = await app.request(`/v1/models/grid/${q}`);
  assert.equal(unpinned.headers.get("x-drs-model-version"), "2");
  assert.deepEqual(await bytes(unpinned), v2Bytes);
  assert.notEqual(v1.headers.get("etag"), v2.headers.get("etag"), "ETags name the version");
  assert.match(v1.headers.get("etag")!, /^"[0-9a-f]{32}"$/);
  const hit = await app.request(`/v1/models/grid/versions/1/${q}`, {
    headers: { "if-none-match": v1.headers.get("etag")! },
  });
  assert.equal(hit.status, 304);
});

Deno.test("GET /v1/models/:id lists versions with their state; /versions/:v describes one", async () => {
  const { app, grid, addAndReload } = await setup();
  await addAndReload(2);
  grid.set("3/manifest.json", new TextEncoder().encode("{ broken"));
  const report = await addAndReload(4);
  assert.deepEqual(report.loaded, [{ id: "grid", version: 4 }]);
  const info = await (await app.request("/v1/models/grid")).json();
  assert.equal(info.version, 4);
  assert.deepEqual(
    info.versions.map((v: { version: number; state: string }) => `${v.version}:${v.state}`),
    ["4:ready", "3:failed", "2:ready", "1:retired"],
  );
  assert.match(info.versions[1].reason, /'grid\/3\/manifest\.json' as it is not valid JSON/);
  await addAndReload(5);
  const listed = await (await app.request("/v1/models")).json();
  assert.deepEqual(
    listed.models[0].versions.map((v: { version: number; state: string }) =>
      `${v.version}:${v.state}`
    ),
    ["5:ready", "4:ready", "3:retired", "2:retired", "1:retired"],
  );
  const one = await (await app.request("/v1/models/grid/versions/4")).json();
  assert.deepEqual([one.version, one.state, one.default, one.model.version], [
    4,
    "ready",
    false,
    4,
  ]);
  const retired = await (await app.request("/v1/models/grid/versions/1")).json();
  assert.deepEqual([retired.state, retired.model], ["retired", undefined]);
  assert.equal((await app.request("/v1/models/grid/versions/9")).status, 404);
  assert.equal((await app.request("/v1/models/grid/versions/01")).status, 400);
  assert.equal((await app.request("/v1/models/nope/versions/1")).status, 404);
});

Deno.test("a corrupt version is refused by name over HTTP while the previous one serves", async () => {
  const { app, grid, base } = await setup();
  addVersion(grid, base, 2, shifted(2));
  grid.set("2/discriminator.onnx", new TextEncoder().encode("corrupt"));
  const res = await app.request("/v1/admin/reload", {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const report = await res.json();
  assert.deepEqual(report.failed.map((f: { version: number }) => f.version), [2]);
  assert.match(report.failed[0].message, /'grid\/2\/discriminator\.onnx'/);
  const pinned = await app.request("/v1/models/grid/versions/2/samples?seed=1");
  assert.equal(pinned.status, 503);
  const { error } = await pinned.json();
  assert.equal(error.code, "model_unavailable");
  assert.match(error.message, /'grid' version 2 as it failed to load/);
  assert.match(error.details.reason, /grid\/2\/discriminator\.onnx/);
  const unpinned = await app.request("/v1/models/grid/samples?seed=1");
  assert.equal(unpinned.headers.get("x-drs-model-version"), "1");
  assert.equal(unpinned.status, 200);
});

Deno.test("a signed URL pinned to a version keeps its bytes across reloads, then answers 410", async () => {
  const { app, addAndReload } = await setup();
  const minted = await (await app.request("/v1/sign", {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ model: "grid", seed: 9, n: 4, format: "json" }),
  })).json();
  assert.equal(minted.version, 1, "minting pins the default version");
  const url = new URL(minted.url);
  assert.equal(url.searchParams.get("v"), "1");
  const path = url.pathname + url.search;
  const before = await bytes(await app.request(path));
  await addAndReload(2);
  const during = await app.request(path);
  assert.equal(during.headers.get("x-drs-model-version"), "1");
  assert.deepEqual(await bytes(during), before);
  const latest = await (await app.request("/v1/sign", {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ model: "grid", seed: 9, n: 4, format: "json" }),
  })).json();
  assert.equal(latest.version, 2);
  await addAndReload(3); // keep 2: version 1 retires
  const gone = await app.request(path);
  assert.equal(gone.status, 410);
  assert.equal(gone.headers.get("access-control-allow-origin"), "*");
  const { error } = await gone.json();
  assert.equal(error.code, "version_retired");
  assert.match(error.message, /model 'grid' version 1 as it was retired/);
  assert.deepEqual([error.details.model, error.details.version], ["grid", 1]);
  assert.deepEqual(error.details.versions, [3, 2]);
  assert.equal(
    (await app.request(new URL(latest.url).pathname + new URL(latest.url).search))
      .status,
    200,
  );
});

Deno.test("POST /v1/sign pins an explicit version and refuses one it does not serve", async () => {
  const { app, addAndReload } = await setup();
  await addAndReload(2);
  const sign = (body: unknown) =>
    app.request("/v1/sign", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify(body),
    });
  const one = await (await sign({ model: "grid", seed: 1, version: 1 })).json();
  assert.equal(new URL(one.url).searchParams.get("v"), "1");
  assert.equal((await sign({ model: "grid", seed: 1, version: 7 })).status, 404);
  assert.equal((await sign({ model: "grid", seed: 1, version: 0 })).status, 400);
  assert.equal((await sign({ model: "grid", seed: 1, version: "2" })).status, 400);
});

Deno.test("signed URLs: 'v' is covered by the signature, unknown versions are gone, unpinned ones follow the default", async () => {
  const { app, key, addAndReload } = await setup();
  const base = { model: "grid", seed: 4, n: 2, format: "json" as const };
  const opts = { base: "http://edge.test", expiresAt: NOW + 600 };
  const pinned = await signedSampleUrl(key, { ...base, version: 1 }, opts);
  const swapped = new URL(pinned);
  swapped.searchParams.set("v", "2");
  assert.equal((await app.request(swapped)).status, 403, "changing v breaks the signature");
  const unpinned = await signedSampleUrl(key, base, opts);
  const added = new URL(unpinned);
  added.searchParams.set("v", "1");
  assert.equal((await app.request(added)).status, 403, "adding v breaks the signature");
  const future = await signedSampleUrl(key, { ...base, version: 42 }, opts);
  const res = await app.request(future);
  assert.equal(res.status, 410);
  assert.equal((await res.json()).error.code, "version_retired");
  await addAndReload(2);
  assert.equal((await app.request(swapped)).status, 403, "even to a version being served");
  assert.equal((await app.request(pinned)).headers.get("x-drs-model-version"), "1");
  const legacy = await app.request(unpinned);
  assert.equal(legacy.headers.get("x-drs-model-version"), "2");
  await assert.rejects(
    () => signedSampleUrl(key, { ...base, version: 0 }, opts),
    /'v' must be a model version/,
  );
});

Deno.test("POST /v1/admin/reload needs the admin token and is off without one", async () => {
  const { app, registry } = await setup();
  const res = await app.request("/v1/admin/reload", { method: "POST" });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.code, "unauthorized");
  const wrong = await app.request("/v1/admin/reload", {
    method: "POST",
    headers: { authorization: "Bearer nope" },
  });
  assert.equal(wrong.status, 401);
  const off = createApp({ registry, keys: [await testKey()] });
  const disabled = await off.request("/v1/admin/reload", { method: "POST" });
  assert.equal(disabled.status, 404);
  assert.match((await disabled.json()).error.message, /set DRS_ADMIN_TOKEN/);
  const get = await app.request("/v1/admin/reload");
  assert.equal(get.status, 404);
});

Deno.test("'v' is refused on the plain sample routes (the path names the version)", async () => {
  const { app } = await setup();
  for (const path of ["/v1/models/grid/samples?v=1", "/v1/models/grid/versions/1/samples?v=1"]) {
    const res = await app.request(path);
    assert.equal(res.status, 400, path);
    assert.equal((await res.json()).error.details.parameter, "v");
  }
  const bad = await app.request("/v1/models/grid/versions/x/samples");
  assert.equal(bad.status, 400);
});

Deno.test("GET /metrics labels samples and errors by version and lists every version's state", async () => {
  const { app, addAndReload } = await setup();
  await addAndReload(2);
  await app.request("/v1/models/grid/versions/1/samples?n=2&seed=1");
  await app.request("/v1/models/grid/samples?n=2&seed=1");
  const text = await (await app.request("/metrics")).text();
  assert.match(text, /drs_accepted_total\{model="grid",version="1"\} 2/);
  assert.match(text, /drs_accepted_total\{model="grid",version="2"\} 2/);
  assert.match(
    text,
    /drs_model_version_info\{model="grid",version="2",state="ready",default="true",backend="onnx"\} 1/,
  );
  assert.match(
    text,
    /drs_model_version_info\{model="grid",version="1",state="ready",default="false",backend="onnx"\} 1/,
  );
  assert.match(text, /drs_model_versions_loaded 2/);
});
