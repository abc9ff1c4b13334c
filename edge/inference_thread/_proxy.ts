/**
 * The server thread's side of a model on the inference thread: its files, read (and verified)
 * here to send there, and a {@linkcode Backend} whose calls become ring jobs.
 *
 * @module
 */

import type { Backend, BackendInit, BackendName, RunOptions } from "../../backends/mod.ts";
import { BACKEND_FILES, OPTIONAL_BACKEND_FILES } from "../../backends/mod.ts";
import { checkClasses, checkCount } from "../../backends/graph_check.ts";
import { packRows } from "./_rows.ts";
import type { Job, JobShape } from "./_ring_jobs.ts";

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

/** The server thread's handle on one model opened on the inference thread. */
export interface Link {
  /** Submits a job for this model on the current thread (after a restart, once re-opened). */
  submit(job: Omit<Job, "handle">, shape: JobShape): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export function proxyBackend(name: BackendName, init: BackendInit, link: Link): Backend {
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
      const [x, logits] = await link.submit({ op: "run", n, input }, {
        inPer,
        outPer: [sampleSize, 1],
      });
      return { x, logits };
    },
    async generate(z, n, options) {
      const input = rows(z, n, options);
      const [x] = await link.submit({ op: "generate", n, input }, { inPer, outPer: [sampleSize] });
      return x;
    },
    async dispose() {
      if (!open) return;
      open = false;
      await link.dispose();
    },
  };
}
