/**
 * An inference thread: any backend (onnx, wasm) opened in a Worker and driven through a
 * shared-memory ring, so G+D never runs on the server's JS thread. The server thread keeps
 * routing, health checks, random draws, DRS decisions and JSON while the inference thread runs
 * the models, and the sampler can queue the next batch while it decides this one.
 *
 * The backend's outputs are the same floats as in-process (same runtime, same files); a job
 * larger than a ring slot is split into row blocks of a fixed size, so the split never depends
 * on load. Deno-only (Workers with shared memory); other runtimes use the backend in-process.
 *
 * Bounded: at most `maxWaiting` row blocks wait for a slot (beyond, a call fails with
 * `BackendBusyError`, a 503), and a watchdog restarts the thread when a job runs past
 * `jobTimeoutSeconds` or the thread dies: the calls in flight fail (503 `model_error`), every
 * open model is re-opened from the bytes it was opened with, and {@linkcode InferenceThread.health}
 * says `restarting` meanwhile (so does `/readyz`).
 *
 * @module
 */

import type { Backend, BackendInit, BackendName } from "../../backends/mod.ts";
import type { OpenBackendOptions } from "../../backends/open.ts";
import type { RingOptions } from "./_ring.ts";
import { type Generation, startGeneration } from "./_generation.ts";
import { type Link, proxyBackend, readFiles } from "./_proxy.ts";

/** Options for {@linkcode createInferenceThread}. */
export interface InferenceThreadOptions extends RingOptions {
  /**
   * Milliseconds the inference thread polls for the next job after one before it blocks: a
   * request's first batch then starts without waking a sleeping thread. Polling uses that
   * thread's core only while it would otherwise sleep; 0 turns it off. @default {0.5}
   */
  spinMs?: number;
  /** Worker script URL. @default {new URL("./worker.ts", import.meta.url)} */
  url?: URL;
  /** Row blocks that may wait for a ring slot; a call beyond fails busy (503). @default {256} */
  maxWaiting?: number;
  /**
   * Seconds a job may run before the watchdog restarts the thread (jobs are at most a ring
   * slot of rows: milliseconds to a few hundred). 0 turns the watchdog off. @default {30}
   */
  jobTimeoutSeconds?: number;
  /** Where restarts are reported. @default {console} */
  log?: Pick<Console, "error">;
}

/** What {@linkcode InferenceThread.health} reports. */
export interface InferenceThreadHealth {
  /** `restarting`: models are being re-opened on a new thread; `stopped`: closed, or gave up. */
  state: "running" | "restarting" | "stopped";
  /** Restarts so far. */
  restarts: number;
  /** Why the last restart (or the stop) happened. */
  reason?: string;
}

/** Restarts in a minute after which the thread stays down (a model that hangs every time). */
const MAX_RESTARTS_PER_MINUTE = 5;

/** One inference thread serving every model opened through it. */
export interface InferenceThread {
  /** Opens `name` on the inference thread; the files are read (and verified) here first. */
  open(name: BackendName, init: BackendInit, options?: OpenBackendOptions): Promise<Backend>;
  /** Stops the thread: calls in flight and later calls reject. */
  close(): void;
  /** Running, restarting or stopped, with the restart count. */
  health(): InferenceThreadHealth;
}

/** Starts an inference thread. */
export function createInferenceThread(options: InferenceThreadOptions = {}): InferenceThread {
  const log = options.log ?? console;
  const timeoutMs = 1000 * (options.jobTimeoutSeconds ?? 30);
  /** Every open model: the message that opened it, and its handle on the current thread. */
  const opened = new Map<number, { message: Record<string, unknown>; handle?: number }>();
  let nextId = 1;
  let recent: number[] = [];
  let restarts = 0;
  let reason: string | undefined;
  let closed: Error | undefined;
  let restarting: Promise<void> | undefined;
  const start = (): Generation =>
    startGeneration({
      ...options,
      spawn: () =>
        new Worker(options.url ?? new URL("./worker.ts", import.meta.url), { type: "module" }),
      spinMs: options.spinMs ?? 0.5,
      onDied: (message) => restart(`it stopped: ${message}`),
    });
  let generation = start();

  function restart(why: string): void {
    if (closed) return;
    reason = why;
    const now = Date.now();
    restarts++;
    recent = [...recent.filter((t) => now - t < 60_000), now];
    const failure = new Error(`Cannot run the model as the inference thread restarted: ${why}`);
    generation.end(failure);
    if (recent.length > MAX_RESTARTS_PER_MINUTE) {
      log.error(`Stopping the inference thread (${recent.length} restarts in a minute): ${why}`);
      stop(new Error(`Cannot run the model as the inference thread stopped: ${why}`));
      return;
    }
    log.error(`Restarting the inference thread and re-opening ${opened.size} model(s): ${why}`);
    for (const entry of opened.values()) entry.handle = undefined;
    const next = start();
    generation = next;
    const reopening = (async () => {
      for (const [id, entry] of opened) {
        try {
          entry.handle = await next.request(entry.message);
        } catch (error) {
          if (next.ended) return; // died again: its own restart re-opens
          log.error(`Cannot re-open model ${id} on the new inference thread:`, error);
        }
      }
    })();
    restarting = reopening;
    reopening.finally(() => {
      if (restarting === reopening) restarting = undefined;
    });
  }

  function stop(error: Error): void {
    closed ??= error;
    clearInterval(watchdog);
    generation.end(closed);
  }

  const watchdog = setInterval(() => {
    if (timeoutMs > 0 && !restarting && generation.jobs.stalledMs() > timeoutMs) {
      restart(`a job ran past ${timeoutMs / 1000} s`);
    }
  }, Math.max(10, Math.min(1000, timeoutMs / 4)));

  const link = (id: number): Link => ({
    async submit(job, shape) {
      while (restarting) await restarting;
      if (closed) throw closed;
      const handle = opened.get(id)?.handle;
      if (handle === undefined) {
        throw new Error("Cannot run the model as the inference thread could not re-open it");
      }
      return await generation.jobs.submit({ ...job, handle }, shape);
    },
    async dispose() {
      const handle = opened.get(id)?.handle;
      opened.delete(id);
      // Once the thread has stopped its backends are gone with it: nothing left to release.
      if (handle !== undefined && !generation.ended) {
        await generation.request({ type: "dispose", handle });
      }
    },
  });

  return {
    async open(name, init, openOptions = {}) {
      const message = {
        type: "open",
        name,
        latentDim: init.latentDim,
        sampleShape: [...init.sampleShape],
        classes: init.classes ?? 0,
        files: await readFiles(name, init),
        options: openOptions,
      };
      while (restarting) await restarting;
      if (closed) throw closed;
      const handle = await generation.request(message);
      const id = nextId++;
      opened.set(id, { message, handle });
      return proxyBackend(name, init, link(id));
    },
    close() {
      reason ??= "closed";
      stop(new Error("Cannot run the model as the inference thread was closed"));
    },
    health() {
      const state = closed ? "stopped" : restarting ? "restarting" : "running";
      return { state, restarts, ...(reason ? { reason } : {}) };
    },
  };
}

/** What `/readyz` says while `thread` cannot serve (the reason goes to the log only). */
export function threadProblem(
  thread: InferenceThread,
): { code: string; message: string } | undefined {
  const { state } = thread.health();
  if (state === "running") return undefined;
  return {
    code: state === "restarting" ? "restarting" : "inference_stopped",
    message: `Cannot serve as the inference thread is ${state}: the log says why`,
  };
}
