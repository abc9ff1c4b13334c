import assert from "node:assert/strict";
import { createLimiter } from "./limiter.ts";
import { sample } from "../sampling/mod.ts";
import { fakeGridBackend } from "../testing/fake_backends.ts";
import { makeTestApp } from "../testing/test_app.ts";

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("createLimiter() drops a queued task whose signal aborted instead of running it", async () => {
  const limiter = createLimiter({ concurrency: 1, queue: 4 });
  let finish!: () => void;
  const first = limiter.run(() => new Promise<void>((r) => (finish = r)));
  const controller = new AbortController();
  const ran: string[] = [];
  const dropped = limiter.run(() => (ran.push("dropped"), Promise.resolve()), {
    signal: controller.signal,
  });
  const kept = limiter.run(() => (ran.push("kept"), Promise.resolve()));
  assert.equal(limiter.queued, 2);
  controller.abort();
  finish();
  await first;
  await assert.rejects(dropped, { name: "AbortError" });
  await kept;
  assert.deepEqual(ran, ["kept"]);
  assert.equal(limiter.active, 0);
  assert.equal(limiter.queued, 0);
  await assert.rejects(limiter.run(() => Promise.resolve(), { signal: controller.signal }), {
    name: "AbortError",
  });
});

Deno.test("sample() stops before its next G+D call once its signal aborts", async () => {
  const backend = fakeGridBackend();
  const controller = new AbortController();
  const run = backend.run.bind(backend);
  backend.run = async (z, n) => {
    controller.abort(); // the client leaves while the first chunk runs
    return await run(z, n);
  };
  const model = {
    backend,
    latentDim: 3,
    sampleShape: [2],
    drs: { logM: 1, epsilon: 1e-6, gamma: 0, fQuantiles: [0] },
  };
  await assert.rejects(
    sample(model, { seed: 1, n: 256, sampler: { kind: "drs", gamma: 0 } }, {
      chunk: 16,
      signal: controller.signal,
    }),
    { name: "AbortError" },
  );
  assert.equal(backend.calls.length, 1, "no G+D call after the abort");
});

Deno.test("GET /v1/models/:id/samples answers 499 and frees its slot when the client leaves", async () => {
  const { app, opened } = await makeTestApp({ limits: { concurrency: 1, queue: 1, chunk: 16 } });
  const grid = opened[0];
  const run = grid.run.bind(grid);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  grid.run = async (z, n) => (await gate, await run(z, n));
  const controller = new AbortController();
  const url = "http://edge.test/v1/models/grid/samples?n=256&seed=1";
  const running = app.request(new Request(url, { signal: controller.signal }));
  const queued = app.request(new Request(url, { signal: controller.signal }));
  await tick();
  controller.abort();
  release();
  const [a, b] = await Promise.all([running, queued]);
  assert.deepEqual([a.status, b.status], [499, 499]);
  assert.equal((await a.json()).error.code, "client_closed");
  assert.equal(grid.calls.length, 1, "the queued request never ran, the running one stopped");
  const metrics = await (await app.request("/metrics")).text();
  assert.match(metrics, /drs_sampler_active 0/);
  assert.match(metrics, /drs_sampler_queued 0/);
  assert.match(metrics, /route="\/v1\/models\/:id\/samples",status="499"\} 2/);
});

Deno.test("createLimiter() yields to the event loop before a hand-over after 25 ms, in FIFO order", async () => {
  const limiter = createLimiter({ concurrency: 1, queue: 4 });
  const order: string[] = [];
  let finish!: () => void;
  const first = limiter.run(() => new Promise<void>((r) => (finish = r)));
  const second = limiter.run(() => (order.push("second"), Promise.resolve()));
  await new Promise((r) => setTimeout(r, 30)); // 30 ms of "work" without a yield
  finish();
  await first;
  // Not started within the releasing task's microtasks: the event loop gets a turn first.
  assert.equal(order.length, 0);
  // The slot is on its way to the waiting task: nothing runs, and a newcomer queues behind it.
  assert.deepEqual({ active: limiter.active, queued: limiter.queued }, { active: 0, queued: 1 });
  const late = limiter.run(() => (order.push("late"), Promise.resolve()));
  assert.equal(limiter.queued, 2, "the held slot is not free for a newcomer");
  await Promise.all([second, late]);
  assert.deepEqual(order, ["second", "late"], "a newcomer never jumps the queue");
  assert.equal(limiter.active, 0);
});
