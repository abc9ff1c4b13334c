/**
 * The model lifecycle on the real server (`deno run -A edge/main.ts`): a copy of grid25 in a
 * temporary models folder is served as version 1; version 2 is published beside it and loaded
 * on SIGHUP while requests run; a corrupt version 3 is refused by name through
 * `POST /v1/admin/reload` while version 2 keeps serving; once version 3 is fixed, version 1 is
 * retired and its pinned URL answers 410. A second server picks a new version up by polling.
 */

import assert from "node:assert/strict";
import { startServer } from "../testing/server_process.ts";
import { signedSampleUrl } from "../edge/signed_url.ts";
import { importSigningKey } from "../shared/signing.ts";
import { copyFlatVersion, publishVersion } from "../testing/model_versions.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SECRET = "versions-test-secret-0123456789abcdefghij";
const ADMIN = "versions-test-admin-token-0123456789abcde";
const hasGrid25 = await Deno.stat(`${ROOT}models/grid25/generator.onnx`).then(
  () => true,
  () => false,
);

/** A models folder holding a copy of the shipped grid25 (flat: version 1). */
async function modelsFolder(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "drs_versions_" });
  await copyFlatVersion(`${ROOT}models/grid25`, `${dir}/grid25`);
  return dir;
}

function publish(dir: string, v: number, options: { corrupt?: boolean } = {}) {
  return publishVersion(dir, { id: "grid25", version: v }, options);
}

async function get(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, text: new TextDecoder().decode(bytes) };
}

/** Waits until `/v1/models/grid25` lists `version` as `state`. */
async function waitFor(origin: string, version: number, state: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const info = JSON.parse((await get(`${origin}/v1/models/grid25`)).text);
    const found = info.versions?.find((v: { version: number }) => v.version === version);
    if (found?.state === state) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`grid25 version ${version} did not become ${state} within 30 s`);
}

function adminReload(origin: string) {
  return get(`${origin}/v1/admin/reload`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}` },
  });
}

Deno.test({
  name: "edge/main.ts adds versions on SIGHUP and the admin route; pinned URLs keep their bytes",
  ignore: !hasGrid25,
  sanitizeResources: false,
  async fn() {
    const dir = await modelsFolder();
    const server = await startServer({
      env: {
        DRS_MODELS_DIR: dir,
        DRS_BACKEND: "onnx",
        DRS_SIGNING_KEYS: `k1:${SECRET}`,
        DRS_ADMIN_TOKEN: ADMIN,
        DRS_KEEP_VERSIONS: "2",
      },
    });
    const { origin } = server;
    try {
      const query = "n=16&seed=3";
      const unpinned = `${origin}/v1/models/grid25/samples?${query}`;
      const before = await get(unpinned);
      assert.equal(before.headers.get("x-drs-model-version"), "1");
      const minted = JSON.parse(
        (await get(`${origin}/v1/sign`, {
          method: "POST",
          headers: { authorization: `Bearer ${ADMIN}` },
          body: JSON.stringify({ model: "grid25", seed: 3, n: 16, format: "json", ttl: 600 }),
        })).text,
      );
      assert.equal(minted.version, 1);
      const pinned = await get(minted.url);
      assert.equal(pinned.status, 200);
      assert.deepEqual(pinned.bytes, before.bytes, "pinned to version 1: version 1's bytes");
      const key = await importSigningKey("k1", SECRET);
      const png = await signedSampleUrl(key, { model: "grid25", seed: 3, n: 16, version: 1 }, {
        base: origin,
        expiresAt: Math.floor(Date.now() / 1000) + 600,
      });
      const pngBefore = await get(png.href);
      assert.equal(pngBefore.status, 200);

      // Version 2, loaded on SIGHUP while requests run: none of them fails.
      await publish(dir, 2);
      let running = true;
      const statuses: number[] = [];
      const traffic = (async () => {
        for (let i = 0; running || i < 20; i++) {
          statuses.push((await get(`${origin}/v1/models/grid25/samples?n=8&seed=${i}`)).status);
        }
      })();
      Deno.kill(server.pid, "SIGHUP");
      await waitFor(origin, 2, "ready");
      running = false;
      await traffic;
      console.log(`${statuses.length} requests while version 2 loaded on SIGHUP`);
      assert.ok(statuses.length >= 20);
      assert.deepEqual(
        statuses.filter((s) => s !== 200),
        [],
        "no request failed across the reload",
      );
      assert.match(server.log(), /Reload \(signal\): loaded grid25 v2/);

      const v1 = await get(`${origin}/v1/models/grid25/versions/1/samples?${query}`);
      const v2 = await get(`${origin}/v1/models/grid25/versions/2/samples?${query}`);
      assert.equal(v1.status, 200);
      assert.equal(v2.status, 200);
      assert.deepEqual(v1.bytes, before.bytes);
      assert.notDeepEqual(v2.bytes, before.bytes, "version 2 samples differently");
      const after = await get(unpinned);
      assert.equal(after.headers.get("x-drs-model-version"), "2");
      assert.deepEqual(after.bytes, v2.bytes, "unpinned requests moved to version 2");
      assert.deepEqual((await get(minted.url)).bytes, pinned.bytes, "the pinned URL is unchanged");
      assert.deepEqual((await get(png.href)).bytes, pngBefore.bytes);

      // A corrupt version 3 is refused by name; version 2 keeps serving.
      await publish(dir, 3, { corrupt: true });
      const refused = JSON.parse((await adminReload(origin)).text);
      assert.deepEqual(refused.failed.map((f: { version: number }) => f.version), [3]);
      assert.match(
        refused.failed[0].message,
        /'grid25\/3\/generator\.onnx' as its contents do not/,
      );
      const v3 = await get(`${origin}/v1/models/grid25/versions/3/samples?${query}`);
      assert.equal(v3.status, 503);
      assert.match(JSON.parse(v3.text).error.details.reason, /grid25\/3\/generator\.onnx/);
      const still = await get(unpinned);
      assert.equal(still.headers.get("x-drs-model-version"), "2");
      assert.deepEqual(still.bytes, v2.bytes);
      assert.match(server.log(), /Refusing model 'grid25' version 3: Cannot load 'grid25\/3\//);
      assert.equal((await get(minted.url)).status, 200, "version 1 is still kept");

      // Fixed: version 3 loads on the next reload, and version 1 (third newest) retires.
      const good = await Deno.readFile(`${dir}/grid25/2/generator.onnx`);
      await Deno.writeFile(`${dir}/grid25/3/generator.onnx`, good);
      const fixed = JSON.parse((await adminReload(origin)).text);
      assert.deepEqual(fixed.loaded, [{ id: "grid25", version: 3 }]);
      assert.deepEqual(fixed.retired, [{ id: "grid25", version: 1 }]);
      const gone = await get(minted.url);
      assert.equal(gone.status, 410);
      const error = JSON.parse(gone.text).error;
      assert.equal(error.code, "version_retired");
      assert.match(error.message, /model 'grid25' version 1 as it was retired/);
      assert.equal((await get(png.href)).status, 410);
      const info = JSON.parse((await get(`${origin}/v1/models/grid25`)).text);
      assert.deepEqual(
        info.versions.map((v: { version: number; state: string }) => `${v.version}:${v.state}`),
        ["3:ready", "2:ready", "1:retired"],
      );
      const metrics = (await get(`${origin}/metrics`)).text;
      assert.match(metrics, /drs_model_version_info\{model="grid25",version="1",state="retired"/);
      assert.match(metrics, /drs_accepted_total\{model="grid25",version="2"\} \d+/);
      await new Promise((r) => setTimeout(r, 200));
      assert.match(server.log(), /Disposed model 'grid25' version 1/);
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "edge/main.ts with DRS_MODELS_POLL_S picks up a new version without a signal",
  ignore: !hasGrid25,
  sanitizeResources: false,
  async fn() {
    const dir = await modelsFolder();
    const server = await startServer({
      env: { DRS_MODELS_DIR: dir, DRS_BACKEND: "onnx", DRS_MODELS_POLL_S: "1" },
    });
    try {
      await publish(dir, 2);
      await waitFor(server.origin, 2, "ready");
      const res = await get(`${server.origin}/v1/models/grid25/samples?n=2&seed=1`);
      assert.equal(res.headers.get("x-drs-model-version"), "2");
      assert.match(server.log(), /Reload \(poll\): loaded grid25 v2/);
      // Unchanged polls stay quiet.
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(server.log().match(/Reload \(poll\)/g)?.length, 1);
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
