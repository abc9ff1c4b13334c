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
 * @module
 */

import type { Backend, BackendInit, BackendName, RunOptions } from "../../backends/mod.ts";
import { BACKEND_FILES, OPTIONAL_BACKEND_FILES } from "../../backends/mod.ts";
import type { OpenBackendOptions } from "../../backends/open.ts";
import { checkClasses, checkCount } from "../../backends/graph_check.ts";
import { packRows } from "./_rows.ts";
import { createRing, HEAD, type RingOptions, viewRing } from "./_ring.ts";
import { createJobQueue, type JobQueue } from "./_ring_jobs.ts";

/** Options for {@linkcode createInferenceThread}. */
export interface InferenceThreadOptions extends RingOptions {
  /**
   * Milliseconds the inference thread polls for the next job after one before it blocks: a
   * request's first batch then starts without waking a sleeping thread. Polling uses that
   * thread's core only while it would otherwise sleep; 0 turns it off. @default {0.5}
   */
  spinMs?: number;
  /** Worker script URL. @default {new URL("./_worker.ts", import.meta.url)} */
  url?: URL;
}

/** One inference thread serving every model opened through it. */
export interface InferenceThread {
  /** Opens `name` on the inference thread; the files are read (and verified) here first. */
  open(name: BackendName, init: BackendInit, options?: OpenBackendOptions): Promise<Backend>;
  /** Stops the thread: calls in flight and later calls reject. */
  close(): void;
}

/** The files a runtime reads, read (and verified) on this thread to send to the inference thread. */
export async function readFiles(name: BackendName, init: BackendInit) {
  if (!Object.hasOwn(BACKEND_FILES, name)) {
    throw new RangeError(
      `Cannot open backend '${name}' as it is not supported: supported backends are onnx, wasm`,
    );
  }
  const files: Record<string, Uint8Array> = {};
  for (const file of BACKEND_FILES[name]) files[file] = await init.readFile(file);
  for (const file of OPTIONAL_BACKEND_FILES[name]) {
    const bytes = await init.readFile(file).catch(() => undefined);
    if (bytes) files[file] = bytes;
  }
  return files;
}

function proxyBackend(
  name: BackendName,
  init: BackendInit,
  link: { jobs: JobQueue; handle: number; dispose: () => Promise<void> },
): Backend {
  const { jobs, handle } = link;
  const latentDim = init.latentDim;
  const sampleSize = init.sampleShape.reduce((a, b) => a * b, 1);
  let open = true;
  /** The job's rows (latents, and classes for a class-conditional model), checked here. */
  const rows = (z: Float32Array, n: number, options: RunOptions = {}) => {
    if (!open) throw new Error("Cannot run the model as the backend is disposed");
    checkCount(z, { what: "z", n, per: latentDim });
    checkClasses(options.classes, { n, count: init.classes ?? 0 });
    return packRows(z, latentDim, options.classes);
  };
  const inPer = latentDim + (init.classes ? 1 : 0);
  return {
    name,
    offThread: true,
    async run(z, n, options) {
      const input = rows(z, n, options);
      const [x, logits] = await jobs.submit({ op: "run", handle, n, input }, {
        inPer,
        outPer: [sampleSize, 1],
      });
      return { x, logits };
    },
    async generate(z, n, options) {
      const input = rows(z, n, options);
      const [x] = await jobs.submit({ op: "generate", handle, n, input }, {
        inPer,
        outPer: [sampleSize],
      });
      return x;
    },
    async dispose() {
      if (!open) return;
      open = false;
      await link.dispose();
    },
  };
}

/** Starts an inference thread. */
export function createInferenceThread(options: InferenceThreadOptions = {}): InferenceThread {
  const buffers = createRing(options);
  const worker = new Worker(options.url ?? new URL("./_worker.ts", import.meta.url), {
    type: "module",
  });
  const replies = new Map<number, { resolve: (v: number) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let stopped: Error | undefined;
  const ring = viewRing(buffers);
  const jobs = createJobQueue(ring);
  const stop = (error: Error) => {
    stopped ??= error;
    for (const r of replies.values()) r.reject(stopped);
    replies.clear();
    jobs.fail(stopped);
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
    stop(new Error(`Cannot run the model as the inference thread stopped: ${event.message}`));
  };
  const request = (message: Record<string, unknown>) => {
    if (stopped) return Promise.reject(stopped);
    const id = nextId++;
    return new Promise<number>((resolve, reject) => {
      replies.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
      Atomics.notify(ring.ctrl, HEAD); // an idle inference thread blocks on HEAD: wake it
    });
  };
  worker.postMessage({ type: "ring", ring: buffers, spinMs: options.spinMs ?? 0.5 });
  return {
    async open(name, init, openOptions = {}) {
      const files = await readFiles(name, init);
      const handle = await request({
        type: "open",
        name,
        latentDim: init.latentDim,
        sampleShape: [...init.sampleShape],
        classes: init.classes ?? 0,
        files,
        options: openOptions,
      });
      return proxyBackend(name, init, {
        jobs,
        handle,
        // Once the thread has stopped its backends are gone with it: nothing left to release.
        dispose: () =>
          stopped ? Promise.resolve() : request({ type: "dispose", handle }).then(() => {}),
      });
    },
    close() {
      worker.terminate();
      stop(new Error("Cannot run the model as the inference thread was closed"));
    },
  };
}
