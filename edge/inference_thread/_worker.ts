/**
 * The inference thread (a Web Worker started by `threaded.ts`): opens backends on request
 * (messages) and runs G and D jobs from the shared ring (no messages), in submission order.
 *
 * Messages in: `{ type: "ring", ring }` once, then `{ type: "open", id, name, latentDim,
 * sampleShape, files, options }` and `{ type: "dispose", id, handle }`. Out:
 * `{ id, handle? , error? }`.
 *
 * @module
 */

import type { Backend, BackendName } from "../../backends/mod.ts";
import { openBackend, type OpenBackendOptions } from "../../backends/open.ts";
import { at, DONE, FAILED, HEAD, OPS, type Ring, type RingBuffers, viewRing } from "./_ring.ts";

/** A request to open a model pair in the inference thread. */
export interface OpenMessage {
  type: "open";
  id: number;
  name: BackendName;
  latentDim: number;
  sampleShape: number[];
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

/**
 * One G (+D) call sent by message (the `post` design, `post.ts`): the input buffer is
 * transferred in, the outputs are transferred back as `{ id, outputs }`.
 */
export interface JobMessage {
  type: "job";
  id: number;
  op: "run" | "generate";
  handle: number;
  n: number;
  /** `// [n, latentDim]` */
  input: Float32Array;
}

/** The ring, sent once before any other message (the `ring` design only). */
export interface RingMessage {
  type: "ring";
  ring: RingBuffers;
  /** Milliseconds to poll for the next job before blocking (see `threaded.ts`). */
  spinMs: number;
}

const scope = globalThis as unknown as {
  onmessage:
    | ((event: MessageEvent<RingMessage | OpenMessage | DisposeMessage | JobMessage>) => void)
    | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

const backends = new Map<number, Backend>();
let nextHandle = 1;
const encoder = new TextEncoder();

async function open(message: OpenMessage): Promise<number> {
  const { files, latentDim, sampleShape } = message;
  const backend = await openBackend(message.name, {
    latentDim,
    sampleShape,
    readFile: (name) =>
      name in files
        ? Promise.resolve(files[name])
        : Promise.reject(new Error(`Cannot read '${name}' as the model does not ship it`)),
  }, message.options);
  const handle = nextHandle++;
  backends.set(handle, backend);
  return handle;
}

async function runJob(ring: Ring, slot: number): Promise<void> {
  const { ctrl, data, slotFloats } = ring;
  const op = OPS[ctrl[at(slot, "op")]];
  const n = ctrl[at(slot, "n")];
  const base = slot * slotFloats;
  try {
    const backend = backends.get(ctrl[at(slot, "handle")]);
    if (!backend) throw new Error("Cannot run the model as its backend is disposed");
    // ONNX Runtime does not take shared memory: copy the input out first. // [n, in]
    const input = data.slice(base, base + ctrl[at(slot, "inLen")]);
    let outputs: Float32Array[];
    if (op === "run") {
      const { x, logits } = await backend.run(input, n); // [n, ...sampleShape], [n]
      outputs = [x, logits];
    } else outputs = [await backend.generate(input, n)];
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

/** Runs a job sent by message and transfers its outputs back (ONNX Runtime's are copied). */
async function postJob(message: JobMessage): Promise<void> {
  try {
    const backend = backends.get(message.handle);
    if (!backend) throw new Error("Cannot run the model as its backend is disposed");
    let outputs: Float32Array[];
    if (message.op === "run") {
      const { x, logits } = await backend.run(message.input, message.n); // [n, ...], [n]
      outputs = [x, logits];
    } else outputs = [await backend.generate(message.input, message.n)];
    // Output views may share a runtime-owned buffer: copy each into a buffer of its own.
    const owned = outputs.map((o) => o.slice());
    scope.postMessage({ id: message.id, outputs: owned }, owned.map((o) => o.buffer));
  } catch (error) {
    scope.postMessage({ id: message.id, error: String((error as Error)?.message ?? error) });
  }
}

scope.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "ring") {
    serve(viewRing(message.ring), message.spinMs);
    return;
  }
  if (message.type === "job") {
    await postJob(message);
    return;
  }
  busy++;
  try {
    if (message.type === "open") {
      scope.postMessage({ id: message.id, handle: await open(message) });
    } else {
      const backend = backends.get(message.handle);
      backends.delete(message.handle);
      await backend?.dispose();
      scope.postMessage({ id: message.id });
    }
  } catch (error) {
    scope.postMessage({ id: message.id, error: String((error as Error)?.message ?? error) });
  } finally {
    busy--;
  }
};
