/**
 * One loaded model version held by the registry, with reference counting: every request takes a
 * {@linkcode Lease} for as long as it samples, and every G+D call made on the backend is counted
 * until it settles (an off-thread backend may still run a chunk queued ahead after the request
 * is answered). A retired version is disposed only once both counts reach zero, so requests in
 * flight finish on the version they started with and a native session or WASM heap is never
 * released under a running call.
 *
 * @module
 */

import type { Backend } from "../../backends/mod.ts";
import type { LoadedModel } from "../model_types.ts";

/** A request's hold on one model version; `release()` once the answer is made (idempotent). */
export interface Lease {
  readonly model: LoadedModel;
  release(): void;
}

/** A loaded version the registry can lend out, retire and close. */
export interface Held {
  /** The model; its backend counts calls in flight. */
  readonly model: LoadedModel;
  /** Leases not yet released. */
  readonly users: number;
  /** G+D calls not yet settled. */
  readonly calls: number;
  /** True once retired (no new leases; disposed when idle). */
  readonly retired: boolean;
  /** A lease; throws once retired (the registry never lends a retired version). */
  acquire(): Lease;
  /**
   * No new leases; the backend is disposed once every lease is released and every call settled.
   * Resolves once it is disposed.
   */
  retire(): Promise<void>;
  /** Disposes now, leases or not (shutdown). Safe to call twice. */
  close(): Promise<void>;
}

/** Options for {@linkcode holdModel}. */
export interface HoldOptions {
  /**
   * Longest wait, in milliseconds, for calls in flight once the last lease is released (a
   * backend that never answers must not keep a retired version forever). @default {30000}
   */
  drainMs?: number;
  /** Called when disposing the backend throws. @default {undefined} */
  onDisposeError?: (error: Error) => void;
}

function countingBackend(inner: Backend, count: { calls: number; settled: () => void }): Backend {
  const track = <T>(call: Promise<T>): Promise<T> => {
    count.calls++;
    const done = () => {
      count.calls--;
      count.settled();
    };
    call.then(done, done);
    return call;
  };
  return {
    get name() {
      return inner.name;
    },
    get offThread() {
      return inner.offThread;
    },
    run: (z, n, options) => track(inner.run(z, n, options)),
    generate: (z, n, options) => track(inner.generate(z, n, options)),
    dispose: () => inner.dispose(),
  };
}

/** Holds `loaded`: its backend is wrapped to count calls. */
export function holdModel(loaded: LoadedModel, options: HoldOptions = {}): Held {
  let users = 0;
  let retired = false;
  let disposed: Promise<void> | undefined;
  let drained: (() => void) | undefined;
  const count = { calls: 0, settled: () => count.calls === 0 && drained?.() };
  const model: LoadedModel = { ...loaded, backend: countingBackend(loaded.backend, count) };
  let resolveDisposed!: () => void;
  const whenDisposed = new Promise<void>((resolve) => resolveDisposed = resolve);
  const dispose = () =>
    disposed ??= loaded.backend.dispose()
      .catch((error: Error) => options.onDisposeError?.(error))
      .finally(resolveDisposed);
  const whenIdle = async () => {
    if (count.calls > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        drained = resolve;
        timer = setTimeout(resolve, options.drainMs ?? 30_000);
      });
      clearTimeout(timer);
      drained = undefined;
    }
    await dispose();
  };
  let idle: Promise<void> | undefined;
  const maybeDispose = () => {
    if (retired && users === 0) idle ??= whenIdle();
  };
  return {
    model,
    get users() {
      return users;
    },
    get calls() {
      return count.calls;
    },
    get retired() {
      return retired;
    },
    acquire() {
      if (retired) {
        throw new Error(`Cannot lend model '${model.id}' version ${model.version}: it is retired`);
      }
      users++;
      let released = false;
      return {
        model,
        release() {
          if (released) return;
          released = true;
          users--;
          maybeDispose();
        },
      };
    },
    retire() {
      retired = true;
      maybeDispose();
      return whenDisposed;
    },
    close() {
      retired = true;
      drained?.();
      return dispose();
    },
  };
}
