/**
 * The server thread's side of the ring (see `_ring.ts`): a FIFO of jobs waiting for a slot,
 * splitting of jobs larger than a slot into fixed row blocks, and collection of results.
 *
 * @module
 */

import { BackendBusyError } from "../../backends/types.ts";
import { at, DONE, FREE, HEAD, OPS, QUEUED, type Ring, type RingOp } from "./_ring.ts";

/** One call on a backend in the inference thread. */
export interface Job {
  op: RingOp;
  handle: number;
  /** Rows. */
  n: number;
  /** `// [n, inPer]` */
  input: Float32Array;
}

/** Floats per row of a job's input and of each of its outputs. */
export interface JobShape {
  inPer: number;
  outPer: readonly number[];
}

/** Submits jobs; `fail` rejects every job in flight and every later one. */
export interface JobQueue {
  submit(job: Job, shape: JobShape): Promise<Float32Array[]>;
  fail(error: Error): void;
  /**
   * Milliseconds since the ring last made progress (a job handed over while it was idle, or a
   * result collected) while jobs are in it; 0 when it is empty. Jobs run in order, so this is
   * how long the job at the front has run: what a watchdog compares with its bound.
   */
  stalledMs(now?: number): number;
}

/** Options for {@linkcode createJobQueue}. */
export interface JobQueueOptions {
  /**
   * Row blocks waiting for a ring slot (behind the slots' jobs); a job that would go beyond
   * fails at once with {@linkcode BackendBusyError}. @default {256}
   */
  maxWaiting?: number;
}

interface Waiting {
  job: Job;
  rows: [number, number];
  inPer: number;
  started: (slot: number) => void;
  abort: (error: Error) => void;
}

/** The job queue of one ring. */
export function createJobQueue(ring: Ring, options: JobQueueOptions = {}): JobQueue {
  const { ctrl, data, slots, slotFloats } = ring;
  const maxWaiting = options.maxWaiting ?? 256;
  const waiting: Waiting[] = [];
  let head = 0;
  let failed: Error | undefined;
  /** Jobs handed to the ring and not yet collected, and when the ring last moved. */
  let inRing = 0;
  let movedAt = performance.now();
  function pump(): void {
    while (waiting.length > 0 && Atomics.load(ctrl, at(head % slots, "status")) === FREE) {
      const { job, rows: [r0, r1], inPer, started } = waiting.shift()!;
      if (inRing++ === 0) movedAt = performance.now();
      const slot = head % slots;
      data.set(job.input.subarray(r0 * inPer, r1 * inPer), slot * slotFloats);
      ctrl[at(slot, "op")] = OPS.indexOf(job.op);
      ctrl[at(slot, "handle")] = job.handle;
      ctrl[at(slot, "n")] = r1 - r0;
      ctrl[at(slot, "inLen")] = (r1 - r0) * inPer;
      Atomics.store(ctrl, at(slot, "status"), QUEUED);
      Atomics.store(ctrl, HEAD, ++head);
      Atomics.notify(ctrl, HEAD);
      started(slot);
    }
  }

  async function collect(slot: number, rows: number, outPer: readonly number[]) {
    // No Promise.race with a long-lived "thread stopped" promise: every race would leave a
    // reaction on it for good (about 1 KB per request). fail() wakes these waits instead.
    const status = at(slot, "status");
    while (Atomics.load(ctrl, status) === QUEUED) {
      if (failed) throw failed;
      const wait = Atomics.waitAsync(ctrl, status, QUEUED);
      if (wait.async) await wait.value;
    }
    const base = slot * slotFloats;
    let result: Float32Array[] | Error;
    if (Atomics.load(ctrl, status) === DONE) {
      let offset = base;
      result = outPer.map((per) => data.slice(offset, offset += rows * per));
    } else {
      const text = ring.bytes.slice(4 * base, 4 * base + ctrl[at(slot, "errorBytes")]);
      result = new Error(new TextDecoder().decode(text));
    }
    Atomics.store(ctrl, status, FREE);
    inRing--;
    movedAt = performance.now();
    pump();
    if (result instanceof Error) throw result;
    return result;
  }

  function submitPart(job: Job, rows: [number, number], shape: JobShape) {
    if (failed) return Promise.reject(failed);
    return new Promise<number>((resolve, reject) => {
      waiting.push({ job, rows, inPer: shape.inPer, started: resolve, abort: reject });
      pump();
    }).then((slot) => collect(slot, rows[1] - rows[0], shape.outPer));
  }

  return {
    async submit(job, shape) {
      const perRow = Math.max(shape.inPer, shape.outPer.reduce((a, b) => a + b, 0));
      const block = Math.floor(slotFloats / perRow);
      if (block < 1) {
        throw new RangeError(
          `Cannot run the model on the inference thread as one row needs ${perRow} floats: ` +
            `a ring slot holds ${slotFloats}`,
        );
      }
      // All of a job or none of it: a bounded queue never holds half a job.
      if (waiting.length + Math.ceil(job.n / block) > maxWaiting) {
        throw new BackendBusyError(
          `Cannot run the model as the inference thread's queue is full (${maxWaiting} blocks ` +
            "waiting): retry shortly",
        );
      }
      if (job.n <= block) return await submitPart(job, [0, job.n], shape);
      const parts: Promise<Float32Array[]>[] = [];
      for (let r0 = 0; r0 < job.n; r0 += block) {
        parts.push(submitPart(job, [r0, Math.min(job.n, r0 + block)], shape));
      }
      const results = await Promise.all(parts);
      return shape.outPer.map((per, k) => {
        const out = new Float32Array(job.n * per);
        let offset = 0;
        for (const part of results) {
          out.set(part[k], offset);
          offset += part[k].length;
        }
        return out;
      });
    },
    stalledMs(now = performance.now()) {
      return inRing > 0 ? now - movedAt : 0;
    },
    fail(error) {
      failed ??= error;
      for (const w of waiting.splice(0)) w.abort(failed);
      for (let slot = 0; slot < slots; slot++) Atomics.notify(ctrl, at(slot, "status"));
    },
  };
}
