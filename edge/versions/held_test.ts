import assert from "node:assert/strict";
import { fakeGridBackend } from "../../testing/fake_backends.ts";
import type { LoadedModel } from "../registry.ts";
import { holdModel } from "./held.ts";

function loaded(): LoadedModel & { backend: ReturnType<typeof fakeGridBackend> } {
  return {
    id: "grid",
    version: 3,
    manifest: {} as LoadedModel["manifest"],
    backend: fakeGridBackend(),
    manifestSha256: "0".repeat(64),
  };
}

Deno.test("holdModel() disposes a retired version only once its leases are released", async () => {
  const model = loaded();
  const held = holdModel(model);
  const a = held.acquire(), b = held.acquire();
  let disposed = false;
  const retired = held.retire().then(() => disposed = true);
  assert.throws(() => held.acquire(), /version 3: it is retired/);
  a.release();
  a.release(); // idempotent: b still holds it
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(model.backend.disposed, false);
  assert.equal(disposed, false);
  const out = await b.model.backend.run(new Float32Array(6), 2);
  assert.equal(out.logits.length, 2, "a leased version still samples after retirement");
  b.release();
  await retired;
  assert.equal(model.backend.disposed, true);
});

Deno.test("holdModel() waits for G+D calls still running after the last lease", async () => {
  const model = loaded();
  let finish!: () => void;
  const inner = model.backend.run;
  model.backend.run = (z, n) => new Promise((resolve) => finish = () => resolve(inner(z, n)));
  const held = holdModel(model);
  const lease = held.acquire();
  // A chunk queued ahead and never awaited by its request (the sampler's discarded work).
  const call = lease.model.backend.run(new Float32Array(3), 1);
  lease.release();
  const retired = held.retire();
  assert.equal(held.calls, 1);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(model.backend.disposed, false, "never disposed under a running call");
  finish();
  await call;
  await retired;
  assert.equal(model.backend.disposed, true);
  assert.equal(held.calls, 0);
});

Deno.test("holdModel() gives up on a call that never settles after drainMs", async () => {
  const model = loaded();
  model.backend.generate = () => new Promise(() => {});
  const held = holdModel(model, { drainMs: 20 });
  const lease = held.acquire();
  lease.model.backend.generate(new Float32Array(3), 1);
  lease.release();
  await held.retire();
  assert.equal(model.backend.disposed, true);
});

Deno.test("holdModel() close() disposes at once, leases or not, and only once", async () => {
  const model = loaded();
  let disposals = 0;
  model.backend.dispose = () => (disposals++, Promise.resolve());
  const held = holdModel(model);
  held.acquire();
  await held.close();
  await held.close();
  await held.retire();
  assert.equal(disposals, 1);
});
