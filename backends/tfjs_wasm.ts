/**
 * The TF.js WASM backend: the TF.js layers models (`tfjs/generator`, `tfjs/discriminator`) on
 * `@tensorflow/tfjs-backend-wasm`. Web APIs only (no `Deno.*`, no `node:`), so it can run in
 * Workers; the caller says where the `.wasm` binaries are (see `wasm_paths.ts` for Deno).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { GRAPH_NAMES, MODEL_FILES } from "../shared/model_files.ts";
import type { BackendInit, BackendOutput, RunOptions, ScoringBackend } from "./types.ts";
import {
  checkClasses,
  checkCount,
  checkGraph,
  type GraphValue,
  pairExpectations,
} from "./graph_check.ts";
import { loadLayersModelFromBytes } from "./tfjs_load.ts";
import { registerCompiledWasm } from "./_wasm_module.ts";

/** Options for {@linkcode openWasmBackend}. */
export interface WasmBackendOptions {
  /**
   * Folder URL (ending in `/`) holding `tfjs-backend-wasm*.wasm`, or a map from file name to
   * URL, passed to `setWasmPaths` before the backend first starts. Ignored once the WASM
   * backend runs. @default {undefined} (TF.js's own default, next to the script)
   */
  wasmPaths?: string | Record<string, string>;
  /**
   * The tfjs-backend-wasm binary already compiled (`tfjs-backend-wasm-simd.wasm` or
   * `tfjs-backend-wasm.wasm`), for runtimes that forbid compiling WebAssembly from bytes
   * (Cloudflare Workers import it as a module). Replaces `wasmPaths`; ignored once the WASM
   * backend runs. @default {undefined} (TF.js fetches and compiles the binary)
   */
  wasmModule?: WebAssembly.Module;
}

let ready: Promise<void> | undefined;

/** Starts the WASM backend once per process and makes it the active TF.js backend. */
export function ensureWasmBackend(options: WasmBackendOptions = {}): Promise<void> {
  if (!ready) {
    // Paths only matter before the WASM backend first starts (e.g. the trainer may have).
    if (options.wasmModule !== undefined) {
      registerCompiledWasm(options.wasmModule);
    } else if (options.wasmPaths !== undefined && !tf.findBackend("wasm")) {
      setWasmPaths(options.wasmPaths as string);
    }
    ready = tf.setBackend("wasm").then((ok) => {
      if (!ok) throw new Error("Cannot start the TF.js WASM backend: tf.setBackend('wasm') failed");
    }).catch((error) => {
      ready = undefined;
      throw error;
    });
    return ready;
  }
  return ready.then(async () => {
    if (tf.getBackend() !== "wasm") await tf.setBackend("wasm");
  });
}

/** TF.js inputs have no fixed names: they take the expected names by position. */
function valuesOf(model: tf.LayersModel, names: readonly string[]): GraphValue[] {
  return model.inputs.map((input, i) => ({
    name: names[i] ?? input.name,
    shape: input.shape.map((d) => d ?? -1),
  }));
}

function outputsOf(model: tf.LayersModel, name: string): GraphValue[] {
  return [{ name, shape: model.outputs[0].shape.map((d) => d ?? -1) }];
}

async function loadRole(init: BackendInit, role: "generator" | "discriminator") {
  const names = MODEL_FILES.tfjs[role];
  const [modelJson, weights] = await Promise.all([
    init.readFile(names.modelJson),
    init.readFile(names.weights),
  ]);
  return await loadLayersModelFromBytes({ modelJson, weights }, names);
}

/** Opens the TF.js pair on the WASM backend; checks input and output shapes on open. */
export async function openWasmBackend(
  init: BackendInit,
  options: WasmBackendOptions = {},
): Promise<ScoringBackend> {
  await ensureWasmBackend(options);
  const g = await loadRole(init, "generator");
  let d: tf.LayersModel;
  try {
    d = await loadRole(init, "discriminator");
  } catch (error) {
    g.dispose(); // the generator's weights would otherwise stay in WASM memory
    throw error;
  }
  const expect = pairExpectations(init, {
    generator: MODEL_FILES.tfjs.generator.modelJson,
    discriminator: MODEL_FILES.tfjs.discriminator.modelJson,
  }, { classShape: [1] });
  const { latent, sample, logit, label } = GRAPH_NAMES;
  try {
    // TF.js models have no value names: check shapes under the expected names.
    checkGraph(
      { inputs: valuesOf(g, [latent, label]), outputs: outputsOf(g, sample) },
      expect.generator,
    );
    checkGraph(
      { inputs: valuesOf(d, [sample, label]), outputs: outputsOf(d, logit) },
      expect.discriminator,
    );
  } catch (error) {
    g.dispose();
    d.dispose();
    throw error;
  }
  const latentDim = init.latentDim;
  let open = true;

  /** G's inputs: `z` `// [n, latentDim]` and, for a class-conditional model, `class` `// [n, 1]`. */
  function inputsOf(z: Float32Array, n: number, options: RunOptions): tf.Tensor[] {
    if (!open) throw new Error("Cannot run the model as the WASM backend is disposed");
    checkCount(z, { what: "z", n, per: latentDim });
    checkClasses(options.classes, { n, count: init.classes ?? 0 });
    const zt = tf.tensor2d(z, [n, latentDim]);
    return options.classes ? [zt, tf.tensor2d(options.classes, [n, 1], "int32")] : [zt];
  }

  async function read(tensors: tf.Tensor[]): Promise<Float32Array[]> {
    try {
      return await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
    } finally {
      tensors.forEach((t) => t.dispose());
    }
  }

  return {
    name: "wasm",
    async run(z: Float32Array, n: number, options: RunOptions = {}): Promise<BackendOutput> {
      const [x, logits] = await read(tf.tidy(() => {
        const [zt, label] = inputsOf(z, n, options);
        const x = g.predict(label ? [zt, label] : zt) as tf.Tensor; // [n, ...sampleShape]
        return [x, d.predict(label ? [x, label] : x) as tf.Tensor]; // logits [n, 1]
      }));
      return { x, logits };
    },
    async generate(z: Float32Array, n: number, options: RunOptions = {}): Promise<Float32Array> {
      const [x] = await read([
        tf.tidy(() => {
          const inputs = inputsOf(z, n, options);
          return g.predict(inputs.length === 1 ? inputs[0] : inputs) as tf.Tensor;
        }),
      ]);
      return x;
    },
    async discriminate(x: Float32Array, n: number, options: RunOptions = {}) {
      if (!open) throw new Error("Cannot run the model as the WASM backend is disposed");
      checkCount(x, { what: "x", n, per: init.sampleShape.reduce((a, b) => a * b, 1) });
      checkClasses(options.classes, { n, count: init.classes ?? 0 });
      const [logits] = await read([
        tf.tidy(() => {
          const xt = tf.tensor(x, [n, ...init.sampleShape]); // [n, ...sampleShape]
          const y = options.classes && tf.tensor2d(options.classes, [n, 1], "int32");
          return d.predict(y ? [xt, y] : xt) as tf.Tensor; // [n, 1]
        }),
      ]);
      return logits;
    },
    dispose(): Promise<void> {
      if (open) {
        open = false;
        g.dispose();
        d.dispose();
      }
      return Promise.resolve();
    },
  };
}
