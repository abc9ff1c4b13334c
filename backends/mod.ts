/**
 * The runtimes, below both train/ and edge/: one {@linkcode Backend} interface, one way to open
 * a model on a named runtime ({@linkcode openBackend}) and one fallback policy
 * ({@linkcode resolveBackend}). Only this folder imports onnxruntime-node or tfjs for
 * inference; the sampling core, calibration, evaluation and the server see the interface.
 *
 * Public modules beside this one: `graph_check.ts` (graph inputs and outputs against the
 * manifest), `tfjs_load.ts` (TF.js layers models from bytes), `onnx_node.ts`, `tfjs_wasm.ts`
 * and `wasm_paths.ts` (Deno's path to the WASM binaries). The analytic stand-ins for tests live in
 * `testing/fake_backends.ts`.
 *
 * @module
 */

export * from "./types.ts";
export {
  type BackendChoice,
  openBackend,
  type OpenBackendOptions,
  resolveBackend,
} from "./open.ts";
export type { ResolveBackendOptions } from "./open.ts";
