/**
 * Opens a backend by name. Each runtime is imported on demand, so a runtime without native
 * addons (Workers) still loads the WASM path.
 *
 * @module
 */

import type { Backend, BackendInit, BackendName } from "./mod.ts";
import type { OnnxBackendOptions } from "./onnx_node.ts";
import type { WasmBackendOptions } from "./tfjs_wasm.ts";

/** Options for {@linkcode openBackend}, passed to the chosen runtime. */
export interface OpenBackendOptions {
  /** Options for the ONNX Runtime backend. @default {{}} */
  onnx?: OnnxBackendOptions;
  /** Options for the TF.js WASM backend. @default {{}} */
  wasm?: WasmBackendOptions;
}

/** Opens the model pair on the named runtime. */
export async function openBackend(
  name: BackendName,
  init: BackendInit,
  options: OpenBackendOptions = {},
): Promise<Backend> {
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

/**
 * `onnx` when onnxruntime-node loads in this runtime (native addons available), else `wasm`.
 * The probe runs once per process.
 */
export function pickBackendName(): Promise<BackendName> {
  probe ??= import("./onnx_node.ts").then(() => "onnx" as const, () => "wasm" as const);
  return probe;
}

let probe: Promise<BackendName> | undefined;
