/**
 * Yielding to the event loop so it reads sockets (new requests, health checks, disconnects)
 * while G+D work keeps the JS thread busy: onnxruntime-node runs inference on the JS thread, and
 * a chain of promise continuations never lets the loop wait on its sockets. Only a timer
 * does here (a 0 ms timer costs 1-2 ms of latency; microtask, setImmediate and MessageChannel
 * hops do not reach the sockets), so callers yield only after a stretch of work.
 *
 * @module
 */

let lastYield = 0;

/** Resolves on a 0 ms timer, after the event loop has polled its sockets. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(() => {
      lastYield = performance.now();
      resolve();
    }, 0)
  );
}

/** Milliseconds since {@linkcode yieldToEventLoop} last resolved in this isolate. */
export function msSinceYield(): number {
  return performance.now() - lastYield;
}
