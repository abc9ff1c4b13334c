/**
 * Starts tfjs-backend-wasm from an already compiled `WebAssembly.Module` instead of fetching
 * and compiling the `.wasm` bytes. Cloudflare Workers refuse to compile WebAssembly from bytes
 * at run time (`WebAssembly.compile`/`instantiate(bytes)` throw "Wasm code generation
 * disallowed by embedder"); the module must be imported (a `CompiledWasm` module), and
 * Emscripten's `instantiateWasm` hook instantiates it. TF.js only sets that hook for its own
 * fetch path, so the `wasm` backend factory is registered again here with the hook.
 *
 * The module must be built from one of the non-threaded binaries shipped by the package
 * (`tfjs-backend-wasm.wasm` or `tfjs-backend-wasm-simd.wasm`): the JS glue used here serves both.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import createWasmModule from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js";
import type { BackendWasmModule } from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.d.ts";

/** Priority tfjs-backend-wasm registers `wasm` with (`WASM_PRIORITY` in its base.ts). */
const WASM_PRIORITY = 2;

type EmscriptenFactory = (config: Record<string, unknown>) => Promise<BackendWasmModule>;
// deno-lint-ignore no-explicit-any
type Cwrap = (name: string, returns: string | null, args: string[]) => any;
type Receive = (instance: WebAssembly.Instance, module: WebAssembly.Module) => void;

/** Instantiates the Emscripten module of tfjs-backend-wasm over `compiled`. */
export async function instantiateCompiledWasm(
  compiled: WebAssembly.Module,
): Promise<BackendWasmModule> {
  let failure: unknown;
  const factory = createWasmModule as unknown as EmscriptenFactory;
  const wasm = await factory({
    instantiateWasm(imports: WebAssembly.Imports, receive: Receive) {
      WebAssembly.instantiate(compiled, imports).then(
        (instance) => receive(instance, compiled),
        (error) => (failure = error),
      );
      return {};
    },
    // Never used with instantiateWasm; keeps the glue from guessing a script URL.
    locateFile: (path: string) => path,
    onAbort: (reason: unknown) => (failure ??= reason),
  }).catch((error) => {
    throw new Error(
      `Cannot start the TF.js WASM backend from the compiled module: ${failure ?? error}`,
    );
  });
  // Same bindings as tfjs-backend-wasm's own init() (backend_wasm.ts).
  const { cwrap } = wasm as unknown as { cwrap: Cwrap };
  wasm.tfjs = {
    init: cwrap("init", null, []),
    initWithThreadsCount: cwrap("init_with_threads_count", null, ["number"]),
    getThreadsCount: cwrap("get_threads_count", "number", []),
    registerTensor: cwrap("register_tensor", null, ["number", "number", "number"]),
    disposeData: cwrap("dispose_data", null, ["number"]),
    dispose: cwrap("dispose", null, []),
  } as BackendWasmModule["tfjs"];
  return wasm;
}

/**
 * Replaces TF.js's `wasm` backend factory by one that instantiates `compiled` (no fetch, no
 * compilation from bytes). Call before the `wasm` backend first starts; the kernels the package
 * registered for `wasm` serve the new backend unchanged. Does nothing when a `wasm` backend
 * already runs.
 */
export function registerCompiledWasm(compiled: WebAssembly.Module): void {
  // Not tf.findBackend(): it would start the package's own (fetching) factory.
  if (tf.engine().registry["wasm"]) return; // Already running (e.g. started by the trainer).
  if (tf.findBackendFactory("wasm")) tf.removeBackend("wasm");
  const ok = tf.registerBackend(
    "wasm",
    async () => new BackendWasm(await instantiateCompiledWasm(compiled)),
    WASM_PRIORITY,
  );
  if (!ok) throw new Error("Cannot register the TF.js WASM backend from the compiled module");
}
