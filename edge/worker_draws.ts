/**
 * A {@linkcode DrawSource} backed by a Web Worker, so the latents of the next chunk are made
 * on another core while G+D runs on this one. Small requests stay inline (a message round
 * trip costs more than a few rows). Same values as {@linkcode inlineDraws}.
 *
 * @module
 */

import { type Draws, type DrawSource, inlineDraws } from "../sampling/draws.ts";
import type { DrawRequest } from "./draws_worker.ts";

/** Options for {@linkcode createWorkerDraws}. */
export interface WorkerDrawsOptions {
  /** Ranges smaller than this are drawn inline. @default {128} */
  inlineBelow?: number;
  /** Worker script URL. @default {new URL("./draws_worker.ts", import.meta.url)} */
  url?: URL;
}

/** A worker-backed draw source; `close()` ends the worker. */
export interface WorkerDraws {
  draws: DrawSource;
  close(): void;
}

/** Starts one draw worker. */
export function createWorkerDraws(options: WorkerDrawsOptions = {}): WorkerDraws {
  const inlineBelow = options.inlineBelow ?? 128;
  const worker = new Worker(options.url ?? new URL("./draws_worker.ts", import.meta.url), {
    type: "module",
  });
  const waiting = new Map<number, { resolve: (d: Draws) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  worker.onmessage = (event: MessageEvent<{ id: number; error?: string } & Partial<Draws>>) => {
    const { id, error, z, u } = event.data;
    const w = waiting.get(id);
    if (!w) return;
    waiting.delete(id);
    if (error !== undefined || !z || !u) w.reject(new Error(`Cannot draw: ${error}`));
    else w.resolve({ z, u });
  };
  worker.onerror = (event) => {
    event.preventDefault();
    for (const w of waiting.values()) w.reject(new Error(`Cannot draw: ${event.message}`));
    waiting.clear();
  };
  return {
    draws(seed, range, dim) {
      if (range.count < inlineBelow) return inlineDraws(seed, range, dim);
      const id = nextId++;
      return new Promise<Draws>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        const message: DrawRequest = { id, seed, start: range.start, count: range.count, dim };
        worker.postMessage(message);
      });
    },
    close() {
      worker.terminate();
      for (const w of waiting.values()) w.reject(new Error("Cannot draw as the worker was closed"));
      waiting.clear();
    },
  };
}
