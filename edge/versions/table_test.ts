import assert from "node:assert/strict";
import type { FakeBackend } from "../../testing/fake_backends.ts";
import { createRegistry, type Lease, type RegistryEvent, type VersionMiss } from "../registry.ts";
import {
  fakeModelFiles,
  fakeOpener,
  memorySource,
  type ModelFiles,
} from "../../testing/fake_models.ts";

import { addVersion } from "../../testing/fake_versions.ts";

const encoder = new TextEncoder();

function states(registry: ReturnType<typeof createRegistry>, id: string): string[] {
  return (registry.versions(id) ?? []).map((v) => `${v.version}:${v.state}${v.default ? "*" : ""}`);
}

function missOf(got: Lease | VersionMiss): string | undefined {
  return "miss" in got ? got.miss : undefined;
}

function leased(got: Lease | VersionMiss): Lease {
  assert.ok(!("miss" in got), `expected a lease, got ${JSON.stringify(got)}`);
  return got as Lease;
}

async function setup(keep = 2) {
  const base = await fakeModelFiles("grid", "points2d");
  const grid: ModelFiles = new Map();
  addVersion(grid, base, 1);
  const opened: FakeBackend[] = [];
  const events: RegistryEvent[] = [];
  const registry = createRegistry(memorySource({ grid }), fakeOpener(opened), {
    keep,
    onEvent: (e) => events.push(e),
  });
  await registry.load();
  return { base, grid, opened, events, registry };
}

Deno.test("createRegistry() loads a new version beside the old one and moves unpinned requests to it", async () => {
  const { base, grid, opened, registry } = await setup();
  assert.deepEqual(states(registry, "grid"), ["1:ready*"]);
  const v1 = registry.get("grid")!;
  addVersion(grid, base, 2);
  const report = await registry.load();
  assert.deepEqual(report.loaded, [{ id: "grid", version: 2 }]);
  assert.deepEqual(report.retired, []);
  assert.deepEqual(states(registry, "grid"), ["2:ready*", "1:ready"]);
  assert.equal(registry.get("grid")!.version, 2);
  assert.equal(registry.get("grid", 1), v1, "version 1 is the same copy, not reloaded");
  assert.equal(opened.length, 2);
  assert.notEqual(registry.get("grid", 2)!.manifestSha256, v1.manifestSha256);
});

Deno.test("createRegistry() retires the oldest beyond 'keep', disposing it after its last request", async () => {
  const { base, grid, opened, registry, events } = await setup();
  addVersion(grid, base, 2);
  await registry.load();
  const inFlight = leased(registry.acquire("grid", 1));
  addVersion(grid, base, 3);
  const report = await registry.load();
  assert.deepEqual(report.retired, [{ id: "grid", version: 1 }]);
  assert.deepEqual(states(registry, "grid"), ["3:ready*", "2:ready", "1:retired"]);
  assert.deepEqual(registry.acquire("grid", 1), { miss: "retired", version: 1, reason: undefined });
  // The request that held version 1 finishes on it.
  const out = await inFlight.model.backend.run(new Float32Array(9), 3);
  assert.equal(out.x.length, 6);
  assert.equal(opened[0].disposed, false);
  inFlight.release();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(opened[0].disposed, true);
  assert.ok(events.some((e) => e.type === "disposed" && e.version === 1));
  assert.deepEqual(opened.map((b) => b.disposed), [true, false, false]);
  await registry.dispose();
  assert.ok(opened.every((b) => b.disposed));
});

Deno.test("createRegistry() refuses a corrupt version by name and keeps the previous one serving", async () => {
  const { base, grid, registry, opened } = await setup();
  addVersion(grid, base, 2);
  grid.set("2/generator.onnx", encoder.encode("corrupt"));
  const report = await registry.load();
  assert.equal(report.failed.length, 1);
  assert.match(report.failed[0].message, /'grid\/2\/generator\.onnx' as its contents do not match/);
  assert.deepEqual(states(registry, "grid"), ["2:failed", "1:ready*"]);
  assert.deepEqual(registry.errors().map((e) => [e.id, e.version]), [["grid", 2]]);
  const miss = registry.acquire("grid", 2) as VersionMiss & { reason: string };
  assert.equal(miss.miss, "failed");
  assert.match(miss.reason, /grid\/2\/generator\.onnx/);
  // A poll does not retry it while its files stay the same...
  assert.deepEqual((await registry.load({ retryFailed: false })).failed, []);
  // ...and loads it once they are fixed.
  grid.set("2/generator.onnx", base.get("generator.onnx")!);
  const fixed = await registry.load({ retryFailed: false });
  assert.deepEqual(fixed.loaded, [{ id: "grid", version: 2 }]);
  assert.deepEqual(states(registry, "grid"), ["2:ready*", "1:ready"]);
  assert.equal(opened.length, 2);
});

Deno.test("createRegistry() swaps a changed version and keeps the old copy when the change is refused", async () => {
  const { base, grid, registry, opened } = await setup();
  const before = registry.get("grid", 1)!;
  addVersion(grid, base, 1, (m) => ({ ...m, description: "recalibrated" }));
  await registry.load();
  const after = registry.get("grid", 1)!;
  assert.notEqual(after.manifestSha256, before.manifestSha256);
  assert.equal(opened[0].disposed, true, "the replaced copy had no request: disposed");
  grid.set("1/manifest.json", encoder.encode("{ broken"));
  const report = await registry.load();
  assert.equal(report.failed.length, 1);
  assert.equal(registry.get("grid", 1), after, "the previous copy keeps serving");
  const [status] = registry.versions("grid")!;
  assert.equal(status.state, "ready");
  assert.match(status.reason!, /changed copy was refused.*grid\/1\/manifest\.json/);
});

Deno.test("createRegistry() keeps a configured default version and the newest 'keep' ones", async () => {
  const base = await fakeModelFiles("grid", "points2d");
  const grid: ModelFiles = new Map();
  for (const v of [1, 2, 3, 4]) addVersion(grid, base, v);
  const opened: FakeBackend[] = [];
  const registry = createRegistry(memorySource({ grid }), fakeOpener(opened), {
    keep: 1,
    defaults: { grid: 2 },
  });
  await registry.load();
  assert.deepEqual(states(registry, "grid"), ["4:ready", "3:retired", "2:ready*", "1:retired"]);
  assert.equal(opened.length, 2, "versions outside the policy are never opened");
  assert.equal(registry.get("grid")!.version, 2);
  assert.equal(registry.models()[0].version, 2);
  await registry.dispose();
});

Deno.test("createRegistry() refuses version 1 when a flat manifest and a '1/' folder both exist", async () => {
  const base = await fakeModelFiles("grid", "points2d");
  const grid: ModelFiles = new Map(base);
  addVersion(grid, base, 1);
  addVersion(grid, base, 2);
  const registry = createRegistry(memorySource({ grid }), fakeOpener());
  await registry.load();
  assert.deepEqual(states(registry, "grid"), ["2:ready*", "1:failed"]);
  assert.match(
    registry.errors()[0].message,
    /both 'grid\/manifest\.json' and 'grid\/1\/manifest\.json'/,
  );
});

Deno.test("createRegistry() serves a flat folder as version 1 and adds numbered versions beside it", async () => {
  const base = await fakeModelFiles("grid", "points2d");
  const grid: ModelFiles = new Map(base);
  const registry = createRegistry(memorySource({ grid }), fakeOpener());
  await registry.load();
  assert.deepEqual(states(registry, "grid"), ["1:ready*"]);
  addVersion(grid, base, 2);
  await registry.load();
  assert.deepEqual(states(registry, "grid"), ["2:ready*", "1:ready"]);
});

Deno.test("createRegistry() retires the versions of a removed model and nothing when listing fails", async () => {
  const { registry } = await setup();
  const source = memorySource({});
  let failing = false;
  const flaky = createRegistry(
    {
      list: () => failing ? Promise.reject(new Error("bucket unreachable")) : source.list(),
      read: source.read,
    },
    fakeOpener(),
  );
  // An empty source: nothing to serve, nothing known.
  await flaky.load();
  assert.deepEqual(flaky.ids(), []);
  failing = true;
  const report = await flaky.load();
  assert.match(report.errors[0].message, /Cannot list models: bucket unreachable/);
  assert.deepEqual(flaky.errors(), [{
    id: "*",
    message: "Cannot list models: bucket unreachable",
  }]);

  const grid = await setup();
  grid.grid.clear();
  const gone = await grid.registry.load();
  assert.deepEqual(gone.retired, [{ id: "grid", version: 1 }]);
  assert.deepEqual(grid.registry.acquire("grid"), { miss: "model" });
  assert.equal(missOf(grid.registry.acquire("grid", 1)), "retired");
  await registry.dispose();
});

Deno.test("createRegistry() runs one pass at a time: loads asked for meanwhile share the next", async () => {
  const base = await fakeModelFiles("grid", "points2d");
  const grid: ModelFiles = new Map();
  addVersion(grid, base, 1);
  let lists = 0;
  const source = memorySource({ grid });
  const registry = createRegistry(
    { ...source, list: () => (lists++, source.list()) },
    fakeOpener(),
  );
  const first = registry.load();
  const [a, b] = [registry.load(), registry.load()];
  assert.equal(a, b);
  await Promise.all([first, a]);
  assert.equal(lists, 2);
  assert.deepEqual(states(registry, "grid"), ["1:ready*"]);
});

Deno.test("createRegistry() lists a version as loading while it loads, the old one serving", async () => {
  const { base, grid } = await setup();
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const open = fakeOpener();
  let opens = 0;
  const registry = createRegistry(memorySource({ grid }), async (init, manifest) => {
    if (opens++ === 1) await gate;
    return await open(init, manifest);
  });
  await registry.load();
  addVersion(grid, base, 2);
  const pass = registry.load();
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(states(registry, "grid"), ["2:loading", "1:ready*"]);
  assert.equal(missOf(registry.acquire("grid", 2)), "loading");
  assert.equal(registry.get("grid")!.version, 1);
  release();
  await pass;
  assert.deepEqual(states(registry, "grid"), ["2:ready*", "1:ready"]);
});
