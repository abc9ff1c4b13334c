/**
 * Opening a model on a runtime, and the one fallback policy. Each runtime is imported on demand,
 * so a runtime without native addons (Workers, Deno Deploy without FFI) still loads the WASM
 * path.
 *
 * @module
 */

import type { Backend, BackendInit, BackendName, ScoringBackend } from "./types.ts";
import type { OnnxBackendOptions } from "./onnx_node.ts";
import type { WasmBackendOptions } from "./tfjs_wasm.ts";

/** Which runtime opens the models: one name, or `auto` (onnx, then wasm). */
export type BackendChoice = BackendName | "auto";

/** Options for {@linkcode openBackend}, passed to the chosen runtime. */
export interface OpenBackendOptions {
  /** Options for the ONNX Runtime backend. @default {{}} */
  onnx?: OnnxBackendOptions;
  /** Options for the TF.js WASM backend. @default {{}} */
  wasm?: WasmBackendOptions;
}

/** The runtimes `auto` tries, in priority order. */
export const AUTO_PRIORITY: readonly BackendName[] = ["onnx", "wasm"];

/** Opens the model pair on the named runtime (in this thread: it can also score with D alone). */
export async function openBackend(
  name: BackendName,
  init: BackendInit,
  options: OpenBackendOptions = {},
): Promise<ScoringBackend> {
  switch (name) {
    case "onnx": {
      const { openOnnxBackend } = await import("./onnx_node.ts");
      return await openOnnxBackend(init, options.onnx);
    }
    case "wasm": {
      const { openWasmBackend } = await import("./tfjs_wasm.ts");
      return await openWasmBackend(init, options.wasm);
    }
    default:
      throw new RangeError(
        `Cannot open backend '${name}' as it is not supported: supported backends are onnx, wasm`,
      );
  }
}

/** Options for {@linkcode resolveBackend}. */
export interface ResolveBackendOptions extends OpenBackendOptions {
  /**
   * Opens one named runtime (an inference thread opens it there; a Worker offers wasm only).
   * @default {openBackend}
   */
  open?: (name: BackendName, init: BackendInit) => Promise<Backend>;
  /** Called for each runtime that failed before another one opened the model. */
  onFallback?: (name: BackendName, error: Error) => void;
}

/**
 * Opens a model on the first runtime of `choice` that can (`auto`: onnx, then wasm), the way
 * ONNX Runtime's `resolveBackend` tries backends by priority. Every runtime's error is kept:
 * when none opens the model the error names each runtime and why it failed. A single named
 * runtime's error is thrown as it is.
 */
export async function resolveBackend(
  choice: BackendChoice,
  init: BackendInit,
  options: ResolveBackendOptions = {},
): Promise<Backend> {
  const names = choice === "auto" ? AUTO_PRIORITY : [choice];
  const open = options.open ??
    ((name: BackendName, i: BackendInit) => openBackend(name, i, options));
  const errors: { name: BackendName; error: Error }[] = [];
  for (const name of names) {
    try {
      const backend = await open(name, init);
      for (const failed of errors) options.onFallback?.(failed.name, failed.error);
      return backend;
    } catch (error) {
      errors.push({ name, error: error as Error });
    }
  }
  if (errors.length === 1) throw errors[0].error;
  throw new AggregateError(
    errors.map((e) => e.error),
    `Cannot open the model on any backend: ${
      errors.map((e) => `${e.name}: ${e.error.message}`).join("; ")
    }`,
  );
}
