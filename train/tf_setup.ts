/**
 * Selects the tfjs backend for training: `wasm` (the default; single-threaded here) or `cpu`.
 * On wasm it also installs the conv gradient kernels the backend lacks (train/wasm_conv.ts), so
 * every wasm training run can train conv layers.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { installWasmConvKernels } from "./tfjs_wasm/wasm_conv.ts";

const WASM_DIST = new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url);

/** Activates `name` and returns the backend in use; wasm falls back to cpu when it cannot load. */
export async function setupTf(name: "wasm" | "cpu"): Promise<string> {
  if (name === "wasm") {
    setWasmPaths(WASM_DIST.href);
    try {
      if (await tf.setBackend("wasm")) {
        await tf.ready();
        installWasmConvKernels();
        return "wasm";
      }
    } catch (error) {
      console.error(`tfjs wasm backend failed to load (${(error as Error).message}); using cpu`);
    }
  }
  await tf.setBackend("cpu");
  await tf.ready();
  return "cpu";
}
