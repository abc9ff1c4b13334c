/**
 * Bounded concurrency: at most `concurrency` tasks run, at most `queue` wait; anything beyond
 * is refused at once so a burst cannot pile up work and memory. Fair between clients: each
 * client (a key the caller gives, e.g. its address) waits in its own line, freed slots go to the
 * lines in turn, and a client may hold at most `perClient` waiting tasks (its excess is refused
 * with {@linkcode ClientOverloadedError}, a 429), so one client flooding cannot starve another.
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
  /**
   * Tasks one identified client may have waiting; more are refused with
   * {@linkcode ClientOverloadedError}. Tasks with no `client` share the queue only.
   * @default {queue}
   */
  perClient?: number;
}

/** The limiter refused a task because its client already has its share waiting. */
export class ClientOverloadedError extends Error {
  constructor(queued: number) {
    super(
      `Cannot sample now as this client already has ${queued} requests waiting: retry shortly`,
    );
    this.name = "ClientOverloadedError";
  }
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
  /** Who asks: tasks of one client share its line and its cap. @default {undefined} (anonymous: one line, no cap) */
  client?: string;
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
  const perClient = options.perClient ?? limit;
  interface Waiter {
    start: () => void;
    drop: () => void;
    signal?: AbortSignal;
  }
  // One line per client with tasks waiting, served in turn (round robin over `order`).
  const lines = new Map<string, Waiter[]>();
  const order: string[] = [];
  let waitingCount = 0;
  // `held` slots bound concurrency; one stays held while it is handed over to the next task,
  // which may take a timer, so the gauge counts `running` tasks instead.
  let held = 0;
  let running = 0;
  const remove = (client: string, waiter: Waiter) => {
    const line = lines.get(client);
    const at = line?.indexOf(waiter) ?? -1;
    if (!line || at < 0) return false;
    line.splice(at, 1);
    waitingCount--;
    if (line.length === 0) {
      lines.delete(client);
      order.splice(order.indexOf(client), 1);
    }
    return true;
  };
  const next = (): Waiter | undefined => {
    const client = order.shift();
    if (client === undefined) return undefined;
    const line = lines.get(client)!;
    const waiter = line.shift()!;
    waitingCount--;
    if (line.length) order.push(client); // its next task waits for the others' turns
    else lines.delete(client);
    return waiter;
  };
  // A queue drained microtask to microtask never lets the event loop read sockets, so under
  // load health checks and disconnects would wait for the whole queue: see yield.ts.
  const handOver = () => {
    const waiter = next();
    if (waiter) waiter.start();
    else held--;
  };
  const release = () => {
    if (waitingCount === 0) held--;
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
      return waitingCount;
    },
    async run<T>(task: () => Promise<T>, options: RunOptions = {}): Promise<T> {
      const { signal } = options;
      const client = options.client ?? "";
      const capped = options.client !== undefined;
      signal?.throwIfAborted();
      if (held >= concurrency) {
        if (waitingCount >= limit) throw new OverloadedError(waitingCount);
        const mine = lines.get(client)?.length ?? 0;
        if (capped && mine >= perClient) throw new ClientOverloadedError(mine);
        await new Promise<void>((start, reject) => {
          const waiter: Waiter = { start, drop: () => reject(signal?.reason), signal };
          if (!lines.has(client)) {
            lines.set(client, []);
            order.push(client);
          }
          lines.get(client)!.push(waiter);
          waitingCount++;
          // A waiter whose client left leaves its line at once, not when its turn comes.
          signal?.addEventListener("abort", () => {
            if (remove(client, waiter)) waiter.drop();
          }, { once: true });
        });
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
