import assert from "node:assert/strict";
import { at, createRing, DONE, FAILED, HEAD, OPS, QUEUED, type Ring, viewRing } from "./_ring.ts";
import { createJobQueue } from "./_ring_jobs.ts";

/** The inference thread's side, on this thread: doubles each input row into two outputs. */
function fakeThread(ring: Ring, behaviour: { fail?: (n: number) => string | undefined } = {}) {
  const { ctrl, data, slotFloats } = ring;
  let tail = 0;
  const seen: { op: string; n: number }[] = [];
  return {
    seen,
    /** Runs every job submitted so far, in order. */
    drain() {
      while (Atomics.load(ctrl, HEAD) > tail) {
        const slot = tail++ % ring.slots;
        assert.equal(Atomics.load(ctrl, at(slot, "status")), QUEUED);
        const n = ctrl[at(slot, "n")];
        seen.push({ op: OPS[ctrl[at(slot, "op")]], n });
        const base = slot * slotFloats;
        const error = behaviour.fail?.(n);
        if (error) {
          const bytes = new TextEncoder().encode(error);
          ring.bytes.set(bytes, 4 * base);
          ctrl[at(slot, "errorBytes")] = bytes.length;
          Atomics.store(ctrl, at(slot, "status"), FAILED);
        } else {
          const input = data.slice(base, base + ctrl[at(slot, "inLen")]); // [n, 1]
          data.set(input.map((v) => v * 2), base); // first output [n, 1]
          data.set(input.map((v) => v * 3), base + n); // second output [n, 1]
          Atomics.store(ctrl, at(slot, "status"), DONE);
        }
        Atomics.notify(ctrl, at(slot, "status"));
      }
    },
  };
}

const shape = { inPer: 1, outPer: [1, 1] };
const job = (n: number, first = 0) => ({
  op: "run" as const,
  handle: 1,
  n,
  input: Float32Array.from({ length: n }, (_, i) => first + i),
});

Deno.test("createJobQueue() runs jobs in order through fewer slots than jobs", async () => {
  const ring = viewRing(createRing({ slots: 2, slotFloats: 64 }));
  const jobs = createJobQueue(ring);
  const thread = fakeThread(ring);
  const results = [1, 2, 3, 4, 5].map((k) => jobs.submit(job(k, 10 * k), shape));
  // Only two fit at once; each drain frees slots for the next ones.
  for (let i = 0; i < 5; i++) {
    thread.drain();
    await new Promise((r) => setTimeout(r, 0));
  }
  for (const [i, result] of (await Promise.all(results)).entries()) {
    const k = i + 1;
    assert.deepEqual(result[0], Float32Array.from({ length: k }, (_, j) => 2 * (10 * k + j)));
    assert.deepEqual(result[1], Float32Array.from({ length: k }, (_, j) => 3 * (10 * k + j)));
  }
  assert.deepEqual(thread.seen.map((s) => s.n), [1, 2, 3, 4, 5]);
});

Deno.test("createJobQueue() splits a job larger than a slot into fixed row blocks", async () => {
  const ring = viewRing(createRing({ slots: 4, slotFloats: 8 })); // 4 rows of in 1, out 1 + 1
  const jobs = createJobQueue(ring);
  const thread = fakeThread(ring);
  const result = jobs.submit(job(10), shape);
  for (let i = 0; i < 4; i++) {
    thread.drain();
    await new Promise((r) => setTimeout(r, 0));
  }
  const [twice, thrice] = await result;
  assert.deepEqual(twice, Float32Array.from({ length: 10 }, (_, i) => 2 * i));
  assert.deepEqual(thrice, Float32Array.from({ length: 10 }, (_, i) => 3 * i));
  assert.deepEqual(thread.seen.map((s) => s.n), [4, 4, 2]);
  await assert.rejects(
    () => jobs.submit(job(1), { inPer: 9, outPer: [1] }),
    /one row needs 9 floats: a ring slot holds 8/,
  );
});

Deno.test("createJobQueue() rejects with the inference thread's error and keeps going", async () => {
  const ring = viewRing(createRing({ slots: 2, slotFloats: 64 }));
  const jobs = createJobQueue(ring);
  const thread = fakeThread(ring, {
    fail: (n) => n === 3 ? "Cannot run the model as ünïcode broke" : undefined,
  });
  const bad = jobs.submit(job(3), shape);
  const good = jobs.submit(job(2), shape);
  thread.drain();
  await assert.rejects(() => bad, /Cannot run the model as ünïcode broke/);
  assert.deepEqual((await good)[0], Float32Array.from([0, 2]));
});

Deno.test("createJobQueue() fail() rejects jobs in flight, waiting and later", async () => {
  const ring = viewRing(createRing({ slots: 1, slotFloats: 64 }));
  const jobs = createJobQueue(ring);
  const inFlight = jobs.submit(job(1), shape);
  const waiting = jobs.submit(job(2), shape);
  jobs.fail(new Error("Cannot run the model as the inference thread stopped: boom"));
  await assert.rejects(() => inFlight, /stopped: boom/);
  await assert.rejects(() => waiting, /stopped: boom/);
  await assert.rejects(() => jobs.submit(job(1), shape), /stopped: boom/);
});
