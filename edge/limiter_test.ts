import assert from "node:assert/strict";
import { createLimiter, OverloadedError } from "./limiter.ts";

Deno.test("createLimiter() runs at most `concurrency` tasks and queues the rest in order", async () => {
  const limiter = createLimiter({ concurrency: 2, queue: 10 });
  let running = 0, peak = 0;
  const order: number[] = [];
  const task = (i: number) => async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 5));
    order.push(i);
    running--;
    return i;
  };
  const results = await Promise.all([0, 1, 2, 3, 4].map((i) => limiter.run(task(i))));
  assert.deepEqual(results, [0, 1, 2, 3, 4]);
  assert.equal(peak, 2);
  assert.deepEqual(order.slice(2), [2, 3, 4]);
  assert.equal(limiter.active, 0);
});

Deno.test("createLimiter() refuses work beyond the queue and frees slots on errors", async () => {
  const limiter = createLimiter({ concurrency: 1, queue: 1 });
  let release!: () => void;
  const blocker = limiter.run(() => new Promise<void>((r) => (release = r)));
  const queued = limiter.run(() => Promise.reject(new Error("boom")));
  await assert.rejects(() => limiter.run(() => Promise.resolve(1)), OverloadedError);
  assert.equal(limiter.queued, 1);
  release();
  await blocker;
  await assert.rejects(queued, /boom/);
  assert.equal(await limiter.run(() => Promise.resolve(7)), 7);
});

Deno.test("createLimiter() rejects a bad concurrency", () => {
  assert.throws(
    () => createLimiter({ concurrency: 0 }),
    /'concurrency' must be a positive integer/,
  );
});
