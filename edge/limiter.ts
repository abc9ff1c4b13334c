/**
 * Bounded concurrency: at most `concurrency` tasks run, at most `queue` wait; anything beyond
 * is refused at once so a burst cannot pile up work and memory.
 *
 * @module
 */

import { msSinceYield, yieldToEventLoop } from "../sampling/mod.ts";

/** Options for {@linkcode createLimiter}. */
export interface LimiterOptions {
  /** Tasks running at once. @default {2} */
  concurrency?: number;
  /** Tasks waiting at once; more are refused with {@linkcode OverloadedError}. @default {64} */
  queue?: number;
}

/** The limiter refused a task because the queue is full. */
export class OverloadedError extends Error {
  constructor(queued: number) {
    super(`Cannot sample now as ${queued} requests are already queued: retry shortly`);
    this.name = "OverloadedError";
  }
}

/** Options for {@linkcode Limiter.run}. */
export interface RunOptions {
  /**
   * Aborted when the caller no longer wants the result (its client disconnected): a task still
   * waiting is dropped when its turn comes, with the signal's reason, instead of running.
   */
  signal?: AbortSignal;
}

/** A bounded queue in front of async work. */
export interface Limiter {
  run<T>(task: () => Promise<T>, options?: RunOptions): Promise<T>;
  /** Tasks running now (a slot on its way to a queued task is not counted). */
  readonly active: number;
  readonly queued: number;
}

/** Creates a limiter. */
export function createLimiter(options: LimiterOptions = {}): Limiter {
  const concurrency = options.concurrency ?? 2;
  const limit = options.queue ?? 64;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new RangeError(
      `Cannot create limiter as 'concurrency' must be a positive integer: current value is ${concurrency}`,
    );
  }
  const waiting: { start: () => void; drop: () => void; signal?: AbortSignal }[] = [];
  // `held` slots bound concurrency; one stays held while it is handed over to the next task,
  // which may take a timer, so the gauge counts `running` tasks instead.
  let held = 0;
  let running = 0;
  // A queue drained microtask to microtask never lets the event loop read sockets, so under
  // load health checks and disconnects would wait for the whole queue: see yield.ts.
  const handOver = () => {
    let next = waiting.shift();
    while (next?.signal?.aborted) {
      next.drop();
      next = waiting.shift();
    }
    if (next) next.start();
    else held--;
  };
  const release = () => {
    if (waiting.length === 0) held--;
    // The slot stays held (FIFO) until handed over; at most every 25 ms the hand-over waits
    // for the event loop to read its sockets first.
    else if (msSinceYield() > 25) yieldToEventLoop().then(handOver);
    else handOver();
  };
  return {
    get active() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
    async run<T>(task: () => Promise<T>, options: RunOptions = {}): Promise<T> {
      const { signal } = options;
      signal?.throwIfAborted();
      if (held >= concurrency) {
        if (waiting.length >= limit) throw new OverloadedError(waiting.length);
        await new Promise<void>((start, reject) =>
          waiting.push({ start, drop: () => reject(signal?.reason), signal })
        );
      } else {
        held++;
      }
      running++;
      try {
        return await task();
      } finally {
        running--;
        release();
      }
    },
  };
}
