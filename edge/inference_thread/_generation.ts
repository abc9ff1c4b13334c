/**
 * One life of the inference thread: a Worker, its ring and the job queue in front of it.
 * `mod.ts` starts a new one when the watchdog finds a job past its bound or the Worker dies,
 * and re-opens every model there; the calls of the old one fail.
 *
 * @module
 */

import { createRing, HEAD, type RingOptions, viewRing } from "./_ring.ts";
import { createJobQueue, type JobQueue } from "./_ring_jobs.ts";

/** Options for {@linkcode startGeneration}. */
export interface GenerationOptions extends RingOptions {
  /** Starts the Worker. */
  spawn(): Worker;
  /** Milliseconds to poll for the next job before blocking. */
  spinMs: number;
  /** Row blocks waiting for a ring slot before a call fails busy. */
  maxWaiting?: number;
  /** The Worker died (an uncaught error): its calls have failed. */
  onDied(message: string): void;
}

/** A running Worker with its ring. */
export interface Generation {
  jobs: JobQueue;
  /** Sends a message (open, dispose) and resolves with the reply's handle. */
  request(message: Record<string, unknown>): Promise<number>;
  /** Stops the Worker: every call in flight and every later one rejects with `error`. */
  end(error: Error): void;
  /** Set once ended. */
  readonly ended: Error | undefined;
}

/** Starts a Worker and hands it a new ring. */
export function startGeneration(options: GenerationOptions): Generation {
  const buffers = createRing(options);
  const ring = viewRing(buffers);
  const jobs = createJobQueue(ring, { maxWaiting: options.maxWaiting });
  const worker = options.spawn();
  const replies = new Map<number, { resolve: (v: number) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let ended: Error | undefined;
  const end = (error: Error) => {
    if (ended) return;
    ended = error;
    worker.terminate();
    for (const r of replies.values()) r.reject(error);
    replies.clear();
    jobs.fail(error);
  };
  worker.onmessage = (event: MessageEvent<{ id: number; handle?: number; error?: string }>) => {
    const { id, handle, error } = event.data;
    const reply = replies.get(id);
    replies.delete(id);
    if (error !== undefined) reply?.reject(new Error(error));
    else reply?.resolve(handle ?? 0);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    if (ended) return;
    end(new Error(`Cannot run the model as the inference thread stopped: ${event.message}`));
    options.onDied(event.message);
  };
  worker.postMessage({ type: "ring", ring: buffers, spinMs: options.spinMs });
  return {
    jobs,
    request(message) {
      if (ended) return Promise.reject(ended);
      const id = nextId++;
      return new Promise<number>((resolve, reject) => {
        replies.set(id, { resolve, reject });
        worker.postMessage({ ...message, id });
        Atomics.notify(ring.ctrl, HEAD); // an idle inference thread blocks on HEAD: wake it
      });
    },
    end,
    get ended() {
      return ended;
    },
  };
}
