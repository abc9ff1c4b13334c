import assert from "node:assert/strict";
import { createRegistry, loadModel } from "./registry.ts";
import type { FakeBackend } from "../testing/fake_backends.ts";
import { fakeModelFiles, fakeOpener, memorySource } from "../testing/fake_models.ts";

Deno.test("createRegistry() loads every model and hands verified bytes to the opener", async () => {
  const grid = await fakeModelFiles("grid", "points2d");
  const seen: string[] = [];
  const registry = createRegistry(memorySource({ grid }), async (init) => {
    seen.push(new TextDecoder().decode(await init.readFile("generator.onnx")));
    await assert.rejects(() => init.readFile("tfjs/generator/model.json"), /does not list it/);
    return await fakeOpener()(
      init,
      JSON.parse(new TextDecoder().decode(grid.get("manifest.json"))),
    );
  });
  assert.equal(registry.loaded, false);
  await registry.load();
  assert.equal(registry.loaded, true);
  assert.deepEqual(registry.models().map((m) => m.id), ["grid"]);
  assert.deepEqual(seen, ["fake generator of grid"]);
  assert.match(registry.get("grid")!.manifestSha256, /^[0-9a-f]{64}$/);
});

Deno.test("createRegistry() refuses a corrupt or broken model and keeps the others", async () => {
  const truncated = await fakeModelFiles("truncated", "points2d");
  truncated.set("generator.onnx", truncated.get("generator.onnx")!.slice(0, 3));
  const badManifest = await fakeModelFiles("badjson", "image");
  badManifest.set("manifest.json", new TextEncoder().encode("{"));
  const missing = await fakeModelFiles("missing", "image");
  missing.delete("discriminator.onnx");
  const renamed = await fakeModelFiles("other", "image");
  const registry = createRegistry(
    memorySource({
      ok: await fakeModelFiles("ok", "image"),
      truncated,
      badjson: badManifest,
      missing,
      renamed,
    }),
    fakeOpener(),
  );
  await registry.load();
  assert.deepEqual(registry.models().map((m) => m.id), ["ok"]);
  const byId = Object.fromEntries(registry.errors().map((e) => [e.id, e.message]));
  assert.match(
    byId.truncated,
    /'truncated\/generator\.onnx'.*expected sha256 [0-9a-f]{64} \(\d+ bytes\), got sha256 [0-9a-f]{64} \(3 bytes\)/,
  );
  assert.match(byId.badjson, /'badjson\/manifest\.json' as it is not valid JSON/);
  assert.match(byId.missing, /'missing\/discriminator\.onnx' as it cannot be read/);
  assert.match(byId.renamed, /manifest 'id' is 'other'/);
});

Deno.test("createRegistry() records an opener failure, retries it on an operator's load, and keeps what is unchanged", async () => {
  const grid = await fakeModelFiles("grid", "points2d");
  const opened: FakeBackend[] = [];
  let fail = true;
  const open = fakeOpener(opened);
  const registry = createRegistry(memorySource({ grid }), (init, manifest) => {
    if (fail) return Promise.reject(new Error("Cannot open 'generator.onnx': bad graph"));
    return open(init, manifest);
  });
  await registry.load();
  assert.deepEqual(registry.errors(), [{
    id: "grid",
    version: 1,
    message: "Cannot open 'generator.onnx': bad graph",
  }]);
  fail = false;
  // A poll retries a refused version only once its files change: these have not.
  await registry.load({ retryFailed: false });
  assert.equal(opened.length, 0);
  await registry.load();
  assert.deepEqual(registry.errors(), []);
  await registry.load();
  assert.equal(opened.length, 1, "an unchanged version is not opened again");
  assert.equal(opened[0].disposed, false);
  await registry.dispose();
  assert.equal(opened[0].disposed, true);
});

Deno.test("loadModel() names the field of an invalid manifest", async () => {
  const grid = await fakeModelFiles("grid", "points2d");
  const manifest = JSON.parse(new TextDecoder().decode(grid.get("manifest.json")));
  manifest.drs.gamma = "high";
  grid.set("manifest.json", new TextEncoder().encode(JSON.stringify(manifest)));
  await assert.rejects(
    () => loadModel(memorySource({ grid }), "grid", fakeOpener()),
    /'drs\.gamma' is invalid/,
  );
});

Deno.test("createRegistry() refuses a version whose load hangs past loadTimeoutMs; the pass ends", async () => {
  const source = memorySource({ slow: await fakeModelFiles("slow", "points2d") });
  const opened: FakeBackend[] = [];
  const open = fakeOpener(opened);
  const registry = createRegistry(source, async (init, manifest) => {
    await new Promise((r) => setTimeout(r, 200)); // a hung (here: slow) runtime
    return await open(init, manifest);
  }, { loadTimeoutMs: 50 });
  await registry.load();
  assert.equal(registry.get("slow"), undefined);
  assert.match(registry.errors()[0].message, /took longer than 50 ms/);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(opened.length, 1);
  assert.equal(opened[0].disposed, true, "the late backend is disposed");
  await registry.dispose();
});
