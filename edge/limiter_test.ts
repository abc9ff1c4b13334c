import assert from "node:assert/strict";
import { yieldToEventLoop } from "../sampling/mod.ts";
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

Deno.test("createLimiter() counts as active only tasks that run, not a slot waiting to be handed over", async () => {
  const limiter = createLimiter({ concurrency: 2, queue: 10 });
  let finishA!: () => void, finishB!: () => void;
  const a = limiter.run(() => new Promise<void>((r) => (finishA = r)));
  const b = limiter.run(() => new Promise<void>((r) => (finishB = r)));
  const c = limiter.run(() => Promise.resolve());
  assert.equal(limiter.queued, 1);
  // Long enough since the last yield that A's release hands its slot over after a timer...
  await new Promise((r) => setTimeout(r, 30));
  const yielded = yieldToEventLoop();
  finishA();
  await a;
  // ...while B's release, just after a yield, hands its slot to C at once: C runs and finishes
  // before A's hand-over timer fires.
  await yielded;
  finishB();
  await Promise.all([b, c]);
  assert.deepEqual({ active: limiter.active, queued: limiter.queued }, { active: 0, queued: 0 });
  // Once A's hand-over finds nobody waiting its slot is free: two tasks start without queueing.
  await new Promise((r) => setTimeout(r, 0));
  let started = 0;
  const both = [0, 1].map(() => limiter.run(() => Promise.resolve(started++)));
  assert.equal(limiter.queued, 0);
  await Promise.all(both);
  assert.equal(started, 2);
});
