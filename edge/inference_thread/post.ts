/**
 * The simplest inference thread, measured against the ring (`mod.ts`): the same Worker script,
 * fed by `postMessage` with the latents transferred in and the outputs transferred back, one
 * message each way per G+D call, no shared memory.
 *
 * @module
 */

import type {
  Backend,
  BackendInit,
  BackendName,
  OpenBackendOptions,
  RunOptions,
} from "../../backends/mod.ts";
import { checkClasses, checkCount } from "../../backends/graph_check.ts";
import { packRows } from "./_rows.ts";
import { type InferenceThread, readFiles } from "./mod.ts";

type Reply = { id: number; handle?: number; outputs?: Float32Array[]; error?: string };

/** Starts an inference thread fed by messages. */
export function createPostThread(options: { url?: URL } = {}): InferenceThread {
  const worker = new Worker(options.url ?? new URL("./_worker.ts", import.meta.url), {
    type: "module",
  });
  const replies = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let stopped: Error | undefined;
  const stop = (error: Error) => {
    stopped ??= error;
    for (const r of replies.values()) r.reject(stopped);
    replies.clear();
  };
  worker.onmessage = (event: MessageEvent<Reply>) => {
    const reply = replies.get(event.data.id);
    replies.delete(event.data.id);
    if (event.data.error !== undefined) reply?.reject(new Error(event.data.error));
    else reply?.resolve(event.data);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    stop(new Error(`Cannot run the model as the inference thread stopped: ${event.message}`));
  };
  const request = (message: Record<string, unknown>, transfer: Transferable[] = []) => {
    if (stopped) return Promise.reject(stopped);
    const id = nextId++;
    return new Promise<Reply>((resolve, reject) => {
      replies.set(id, { resolve, reject });
      worker.postMessage({ ...message, id }, transfer);
    });
  };
  return {
    async open(name: BackendName, init: BackendInit, openOptions: OpenBackendOptions = {}) {
      const files = await readFiles(name, init);
      const { handle } = await request({
        type: "open",
        name,
        latentDim: init.latentDim,
        sampleShape: [...init.sampleShape],
        classes: init.classes ?? 0,
        files,
        options: openOptions,
      });
      let open = true;
      const call = async (
        op: "run" | "generate",
        z: Float32Array,
        n: number,
        options: RunOptions = {},
      ) => {
        if (!open) throw new Error("Cannot run the model as the backend is disposed");
        checkCount(z, { what: "z", n, per: init.latentDim });
        checkClasses(options.classes, { n, count: init.classes ?? 0 });
        // The caller keeps its latents: a copy (with the classes, if any) is transferred.
        const packed = packRows(z, init.latentDim, options.classes);
        const input = packed === z ? z.slice() : packed;
        const transfer = [input.buffer as ArrayBuffer];
        return (await request({ type: "job", op, handle, n, input }, transfer)).outputs!;
      };
      const backend: Backend = {
        name,
        offThread: true,
        async run(z, n, options) {
          const [x, logits] = await call("run", z, n, options);
          return { x, logits };
        },
        async generate(z, n, options) {
          return (await call("generate", z, n, options))[0];
        },
        async dispose() {
          if (!open) return;
          open = false;
          if (!stopped) await request({ type: "dispose", handle });
        },
      };
      return backend;
    },
    close() {
      worker.terminate();
      stop(new Error("Cannot run the model as the inference thread was closed"));
    },
  };
}
