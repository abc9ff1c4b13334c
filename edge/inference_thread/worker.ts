/**
 * The inference thread (a Web Worker started by `mod.ts`): opens backends on request
 * (messages) and runs G and D jobs from the shared ring (no messages), in submission order.
 *
 * Messages in: `{ type: "ring", ring }` once, then `{ type: "open", id, name, latentDim,
 * sampleShape, files, options }` and `{ type: "dispose", id, handle }`. Out:
 * `{ id, handle? , error? }`.
 *
 * Run as a Worker's main module it installs itself; a test's worker script may instead call
 * {@linkcode installInferenceWorker} with hooks (a job that hangs, a thread that dies).
 *
 * @module
 */

import type { Backend, BackendName } from "../../backends/mod.ts";
import { openBackend, type OpenBackendOptions } from "../../backends/open.ts";
import { unpackRows } from "./_rows.ts";
import { at, DONE, FAILED, HEAD, OPS, type Ring, type RingBuffers, viewRing } from "./_ring.ts";

/** A request to open a model pair in the inference thread. */
export interface OpenMessage {
  type: "open";
  id: number;
  name: BackendName;
  latentDim: number;
  sampleShape: number[];
  /** Classes of a class-conditional model (0: unconditional). */
  classes: number;
  /** File bytes by manifest name (already verified against the manifest). */
  files: Record<string, Uint8Array>;
  options: OpenBackendOptions;
}

/** A request to release a backend. */
export interface DisposeMessage {
  type: "dispose";
  id: number;
  handle: number;
}

/** The ring, sent once before any other message. */
export interface RingMessage {
  type: "ring";
  ring: RingBuffers;
  /** Milliseconds to poll for the next job before blocking (see `mod.ts`). */
  spinMs: number;
}

const scope = globalThis as unknown as {
  onmessage:
    | ((event: MessageEvent<RingMessage | OpenMessage | DisposeMessage>) => void)
    | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

/** Open backends by handle, with what it takes to read a job's rows. */
const backends = new Map<
  number,
  { backend: Backend; shape: { latentDim: number; conditional: boolean } }
>();
let nextHandle = 1;
const encoder = new TextEncoder();

async function open(message: OpenMessage): Promise<number> {
  const { files, latentDim, sampleShape, classes } = message;
  const backend = await openBackend(message.name, {
    latentDim,
    sampleShape,
    classes,
    readFile: (name) =>
      name in files
        ? Promise.resolve(files[name])
        : Promise.reject(new Error(`Cannot read '${name}' as the model does not ship it`)),
  }, message.options);
  const handle = nextHandle++;
  backends.set(handle, { backend, shape: { latentDim, conditional: classes > 0 } });
  return handle;
}

/** Test hooks of the inference thread. */
export interface InferenceWorkerHooks {
  /** Called (and awaited) before each job's G (+D) call, with its rows. */
  beforeCall?(job: { n: number }): void | Promise<void>;
}

let hooks: InferenceWorkerHooks = {};

async function runJob(ring: Ring, slot: number): Promise<void> {
  const { ctrl, data, slotFloats } = ring;
  const op = OPS[ctrl[at(slot, "op")]];
  const n = ctrl[at(slot, "n")];
  const base = slot * slotFloats;
  try {
    // ONNX Runtime does not take shared memory: copy the input out first. // [n, in]
    const rows = data.slice(base, base + ctrl[at(slot, "inLen")]);
    const outputs = await call(ctrl[at(slot, "handle")], { op, n, rows });
    let offset = base;
    for (const out of outputs) {
      data.set(out, offset);
      offset += out.length;
    }
    Atomics.store(ctrl, at(slot, "status"), DONE);
  } catch (error) {
    const text = encoder.encode(String((error as Error)?.message ?? error)).slice(
      0,
      4 * slotFloats,
    );
    ring.bytes.set(text, 4 * base);
    ctrl[at(slot, "errorBytes")] = text.length;
    Atomics.store(ctrl, at(slot, "status"), FAILED);
  }
  Atomics.notify(ctrl, at(slot, "status"));
}

/** Messages (open, dispose) being handled: while any is, the thread never blocks. */
let busy = 0;
/** Longest block on the ring before the event loop gets a turn. */
const IDLE_MS = 20;

function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function serve(ring: Ring, spinMs: number): Promise<never> {
  const { ctrl } = ring;
  for (let tail = 0;; tail++) {
    // A job often follows within a fraction of a millisecond (the next request's first batch):
    // polling that long saves waking a sleeping thread, which costs more on a virtual CPU.
    const spinUntil = performance.now() + spinMs;
    while (Atomics.load(ctrl, HEAD) === tail && performance.now() < spinUntil);
    while (Atomics.load(ctrl, HEAD) === tail) {
      // Blocking wakes faster than an asynchronous wait (a trip through the event loop); the
      // server thread also notifies HEAD after posting a message, and an idle thread yields
      // every IDLE_MS, so messages still get their turn.
      if (busy === 0) Atomics.wait(ctrl, HEAD, tail, IDLE_MS);
      if (Atomics.load(ctrl, HEAD) === tail) await macrotask();
    }
    await runJob(ring, tail % ring.slots);
  }
}

/** One G (+D) call on an open backend: the job's rows unpacked, outputs in order. */
async function call(
  handle: number,
  job: { op: "run" | "generate"; n: number; rows: Float32Array },
): Promise<Float32Array[]> {
  const entry = backends.get(handle);
  if (!entry) throw new Error("Cannot run the model as its backend is disposed");
  await hooks.beforeCall?.({ n: job.n });
  const { z, classes } = unpackRows(job.rows, job.n, entry.shape);
  if (job.op === "generate") return [await entry.backend.generate(z, job.n, { classes })];
  const { x, logits } = await entry.backend.run(z, job.n, { classes }); // [n, ...], [n]
  return [x, logits];
}

async function onMessage(
  event: MessageEvent<RingMessage | OpenMessage | DisposeMessage>,
): Promise<void> {
  const message = event.data;
  if (message.type === "ring") {
    serve(viewRing(message.ring), message.spinMs);
    return;
  }
  busy++;
  try {
    if (message.type === "open") {
      scope.postMessage({ id: message.id, handle: await open(message) });
    } else {
      const entry = backends.get(message.handle);
      backends.delete(message.handle);
      await entry?.backend.dispose();
      scope.postMessage({ id: message.id });
    }
  } catch (error) {
    scope.postMessage({ id: message.id, error: String((error as Error)?.message ?? error) });
  } finally {
    busy--;
  }
}

/** Makes this Worker an inference thread (what `mod.ts` starts). */
export function installInferenceWorker(options: InferenceWorkerHooks = {}): void {
  hooks = options;
  scope.onmessage = onMessage;
}

if (import.meta.main) installInferenceWorker();
