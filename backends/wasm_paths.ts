/**
 * Where the TF.js WASM binaries are when running under Deno with `nodeModulesDir: "auto"`.
 * Kept apart from `tfjs_wasm.ts` so Workers (which bundle the binaries) never import it.
 *
 * @module
 */

/** `node_modules/@tensorflow/tfjs-backend-wasm/dist/` of this checkout, as a file URL. */
export function denoWasmPaths(): string {
  return new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).href;
}
