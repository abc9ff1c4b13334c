/**
 * Every kernel fix the trainers need on tfjs-backend-wasm 4.22, installed in one call after
 * the wasm backend is set up.
 *
 * @module
 */

import { installWasmMatMulFix } from "./wasm_matmul.ts";
import { installWasmSegmentSum } from "./wasm_segment_sum.ts";

/** Installs the matmul fix and the segment sum (embedding gradients). */
export function installWasmFixes(): void {
  installWasmMatMulFix();
  installWasmSegmentSum();
}
