import assert from "node:assert/strict";
import { batchingBackend } from "./batching.ts";
import { fakeConditionalBackend, fakeGridBackend } from "../testing/fake_backends.ts";
import { normals } from "../shared/rng.ts";
import type { Backend } from "./types.ts";

/** `backend` whose calls take a few milliseconds, so that later calls find it busy. */
function slow(backend: Backend): Backend {
  const later = <T>(value: Promise<T>) =>
    new Promise<T>((resolve, reject) => setTimeout(() => value.then(resolve, reject), 5));
  return {
    ...backend,
    run: (z, n, o) => later(backend.run(z, n, o)),
    generate: (z, n, o) => later(backend.generate(z, n, o)),
  };
}

Deno.test("batchingBackend() merges concurrent calls and gives each its own rows", async () => {
  const inner = fakeGridBackend();
  const merged: number[] = [];
  const batched = batchingBackend(slow(inner), { latentDim: 3 }, {
    maxInFlight: 1,
    maxRows: 64,
    onBatch: (calls) => merged.push(calls),
  });
  const calls = Array.from({ length: 12 }, (_, i) => {
    const n = 1 + (i * 7) % 20;
    return { n, z: normals(i, { start: 0, count: n, dim: 3 }), generate: i % 3 === 2 };
  });
  const results = await Promise.all(
    calls.map((c) =>
      c.generate
        ? batched.generate(c.z, c.n).then((x) => ({ x, logits: undefined }))
        : batched.run(c.z, c.n)
    ),
  );
  for (const [i, c] of calls.entries()) {
    const alone = await inner.run(c.z, c.n);
    assert.deepEqual(results[i].x, alone.x, `call ${i}`);
    if (!c.generate) assert.deepEqual(results[i].logits, alone.logits, `call ${i}`);
  }
  // The first call went alone; the rest merged, run with run and generate with generate, never
  // above 64 rows.
  assert.ok(merged.length >= 1 && merged.reduce((a, b) => a + b, 0) >= 6, `merged ${merged}`);
  const sizes = inner.calls.slice(0, inner.calls.length - calls.length).map((c) => c.n);
  assert.ok(sizes.every((n) => n <= 64), `sizes ${sizes}`);
  assert.ok(sizes.length < calls.length, `${sizes.length} backend calls for ${calls.length}`);
});

Deno.test("batchingBackend() passes classes row by row and refuses a bad call alone", async () => {
  const inner = fakeConditionalBackend(10);
  const batched = batchingBackend(slow(inner), { latentDim: 4, classes: 10 }, { maxInFlight: 1 });
  const z = (seed: number, n: number) => normals(seed, { start: 0, count: n, dim: 4 });
  const good = [1, 2, 3].map((seed) => {
    const classes = Int32Array.from({ length: 5 }, (_, i) => (i + seed) % 10);
    return { z: z(seed, 5), classes, out: batched.run(z(seed, 5), 5, { classes }) };
  });
  // Wrong sizes and classes are refused before they could be merged with the good calls.
  await assert.rejects(() => batched.run(z(9, 2), 3, { classes: new Int32Array(3) }), /'z' must/);
  await assert.rejects(() => batched.run(z(9, 2), 2), /'classes' must hold one class per row/);
  await assert.rejects(
    () => batched.run(z(9, 2), 2, { classes: Int32Array.of(1, 10) }),
    /each class must be in 0\.\.9/,
  );
  for (const g of good) {
    assert.deepEqual(await g.out, await inner.run(g.z, 5, { classes: g.classes }));
  }
});

Deno.test("batchingBackend() rejects every call of a failed batch, and goes on", async () => {
  const inner = fakeGridBackend();
  let fail = true;
  const flaky: Backend = {
    ...inner,
    run: (z, n) =>
      new Promise((resolve, reject) =>
        setTimeout(() => fail ? reject(new Error("backend down")) : resolve(inner.run(z, n)), 2)
      ),
  };
  const batched = batchingBackend(flaky, { latentDim: 3 }, { maxInFlight: 1 });
  const z = normals(1, { start: 0, count: 4, dim: 3 });
  const settled = await Promise.allSettled([1, 2, 3].map(() => batched.run(z, 4)));
  assert.ok(settled.every((s) => s.status === "rejected"));
  fail = false;
  assert.deepEqual(await batched.run(z, 4), await inner.run(z, 4));
});
