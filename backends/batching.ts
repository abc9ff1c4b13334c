/**
 * Batching across requests: a {@linkcode Backend} in front of another that merges concurrent
 * calls into one G(+D) call. While fewer than `maxInFlight` calls run on the backend, a call
 * goes straight through (no added latency on an idle server); beyond, calls wait and the next
 * free slot takes every waiting call of the same kind, oldest first, up to `maxRows` rows, as
 * one batch (the queue delay is the time until the backend frees up, and only under load).
 *
 * Each row of a G+D call depends on that row's inputs alone (no batch statistics at serving
 * time: batch norm runs in inference mode), so a merged call gives every request the floats it
 * gets alone; `tests/batching_test.ts` checks it byte for byte on every shipped model and
 * runtime. Web-standard: the same wrapper runs on Deno, Deploy and Workers.
 *
 * @module
 */

import { checkClasses, checkCount } from "./graph_check.ts";
import type { Backend, BackendInit, BackendOutput, RunOptions } from "./types.ts";

/** Options for {@linkcode batchingBackend}. */
export interface BatchingOptions {
  /** Rows in one merged call (a call larger than this runs alone). @default {1024} */
  maxRows?: number;
  /** Calls running on the backend at once; later ones wait and merge. @default {2} */
  maxInFlight?: number;
  /** Called with the number of calls each merged batch served (metrics, tests). */
  onBatch?: (calls: number, rows: number) => void;
}

type Op = "run" | "generate";

interface Waiting {
  op: Op;
  z: Float32Array;
  n: number;
  classes?: Int32Array;
  resolve: (out: BackendOutput) => void;
  reject: (error: unknown) => void;
}

function concat<T extends Float32Array | Int32Array>(parts: T[], make: (n: number) => T): T {
  const out = make(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** `backend` behind a batcher; `init` gives the row sizes every call is checked against. */
export function batchingBackend(
  backend: Backend,
  init: Pick<BackendInit, "latentDim" | "classes">,
  options: BatchingOptions = {},
): Backend {
  const maxRows = options.maxRows ?? 1024;
  const maxInFlight = options.maxInFlight ?? 2;
  const waiting: Waiting[] = [];
  let inFlight = 0;

  function start(batch: Waiting[]): void {
    inFlight++;
    const { op } = batch[0];
    const n = batch.reduce((a, w) => a + w.n, 0);
    const z = batch.length === 1
      ? batch[0].z
      : concat(batch.map((w) => w.z), (k) => new Float32Array(k));
    const classes = batch[0].classes &&
      (batch.length === 1
        ? batch[0].classes
        : concat(batch.map((w) => w.classes!), (k) => new Int32Array(k)));
    if (batch.length > 1) options.onBatch?.(batch.length, n);
    const call = op === "run"
      ? backend.run(z, n, { classes })
      : backend.generate(z, n, { classes }).then((x) => ({ x, logits: new Float32Array(0) }));
    call.then((out) => {
      // Each call's rows back: `// x [n, ...sampleShape], logits [n]` split by row.
      const per = out.x.length / n;
      let row = 0;
      for (const w of batch) {
        w.resolve({
          x: batch.length === 1 ? out.x : out.x.slice(row * per, (row + w.n) * per),
          logits: op === "run" && batch.length > 1 ? out.logits.slice(row, row + w.n) : out.logits,
        });
        row += w.n;
      }
    }, (error) => {
      for (const w of batch) w.reject(error);
    }).finally(() => {
      inFlight--;
      pump();
    });
  }

  function pump(): void {
    while (inFlight < maxInFlight && waiting.length > 0) {
      const first = waiting.shift()!;
      const batch = [first];
      let rows = first.n;
      for (let i = 0; i < waiting.length && rows < maxRows;) {
        const w = waiting[i];
        if (w.op === first.op && rows + w.n <= maxRows) {
          batch.push(w);
          rows += w.n;
          waiting.splice(i, 1);
        } else i++;
      }
      start(batch);
    }
  }

  function submit(op: Op, z: Float32Array, n: number, options: RunOptions = {}) {
    // Checked before queueing: a bad call must not fail the calls it would be merged with.
    checkCount(z, { what: "z", n, per: init.latentDim });
    checkClasses(options.classes, { n, count: init.classes ?? 0 });
    return new Promise<BackendOutput>((resolve, reject) => {
      waiting.push({ op, z, n, classes: options.classes, resolve, reject });
      pump();
    });
  }

  return {
    name: backend.name,
    offThread: backend.offThread,
    run: async (z, n, options) => await submit("run", z, n, options),
    generate: async (z, n, options) => (await submit("generate", z, n, options)).x,
    dispose: () => backend.dispose(),
  };
}
