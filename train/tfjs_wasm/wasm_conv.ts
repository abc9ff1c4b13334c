/**
 * Conv gradients for training on tfjs-wasm. tfjs-backend-wasm 4.22 has no
 * `Conv2DBackpropFilter` kernel (conv weights cannot be trained on it), and its
 * `Conv2DBackpropInput` (the input gradient, also the forward of a transposed conv) is a direct
 * loop about 8x slower than the forward conv. Both become one matmul on the backend's XNNPACK
 * GEMM plus a copy loop over the wasm heap (M = batch * outH * outW, K = kH * kW * inC):
 *
 * - filter gradient: `dW [K, outC] = im2col(x)^T [K, M] @ dy [M, outC]`;
 * - input gradient: `dx = col2im(dy [M, outC] @ W^T [outC, K])`.
 *
 * A few images at a time, so the column buffer stays small (the GEMM runs best on a short
 * reduction; measured in BENCHMARKS.md). NHWC, any stride, `same`, `valid` or explicit padding,
 * dilation 1; other data formats throw (the filter gradient) or keep the built-in kernel (the
 * input gradient). tfjs itself refuses the gradient of a dilated conv.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import {
  col2im,
  type ConvGeometry,
  convGeometry,
  im2colT,
  type ImageRange,
} from "./_conv_columns.ts";

/** A tensor as kernels see it. */
type TensorInfo = { dataId: object; shape: number[]; dtype: string };
/** The parts of tfjs-backend-wasm's `BackendWasm` these kernels use. */
interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: string): TensorInfo;
  disposeData(dataId: object): boolean;
}
type KernelArgs = {
  inputs: Record<string, TensorInfo>;
  backend: WasmBackend;
  attrs: Record<string, unknown>;
};
type KernelFn = (args: KernelArgs) => TensorInfo;

/** Column floats per chunk of the filter gradient (1 MB: the GEMM's reduction stays in cache). */
const FILTER_CHUNK_FLOATS = 1 << 18;
/** Column floats per chunk of the input gradient (4 MB). */
const INPUT_CHUNK_FLOATS = 1 << 20;

/** The whole wasm heap as floats (read again after each allocation: growing detaches it). */
function heapF32(backend: WasmBackend): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer);
}

/** Float index of a tensor's first value in the heap. */
function at(backend: WasmBackend, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset >>> 2;
}

/** Images per chunk: as many as keep the chunk's columns under `floats` (at least one). */
function imagesPerChunk(g: ConvGeometry, floats: number): number {
  const perImage = g.outH * g.outW * g.kH * g.kW * g.inC;
  return Math.max(1, Math.min(g.batch, Math.floor(floats / perImage)));
}

/**
 * The pixels of some images of an NHWC tensor as a `[pixels, channels]` matrix: the tensor
 * itself when the range is the whole batch, else a copy (kernels take whole tensors).
 */
function imageRows(
  backend: WasmBackend,
  t: TensorInfo,
  images: ImageRange,
): { m: TensorInfo; copy: boolean } {
  const [batch, h, w, c] = t.shape, rows = (images.n1 - images.n0) * h * w;
  if (images.n0 === 0 && images.n1 === batch) {
    return { m: { dataId: t.dataId, shape: [rows, c], dtype: "float32" }, copy: false };
  }
  const m = backend.makeOutput([rows, c], "float32");
  const from = at(backend, t) + images.n0 * h * w * c;
  heapF32(backend).copyWithin(at(backend, m), from, from + rows * c);
  return { m, copy: true };
}

/** Calls the wasm backend's own kernel `name`. */
function callKernel(name: string, args: KernelArgs): TensorInfo {
  const kernel = tf.getKernel(name, "wasm");
  if (!kernel) throw new Error(`Cannot run ${name} on wasm as the backend has no such kernel`);
  return (kernel.kernelFunc as unknown as KernelFn)(args);
}

/** Plain (untransposed) matmul `// a [m, k] @ b [k, n] -> [m, n]` on XNNPACK. */
function matMul(backend: WasmBackend, a: TensorInfo, b: TensorInfo): TensorInfo {
  const attrs = { transposeA: false, transposeB: false };
  return callKernel("BatchMatMul", { inputs: { a, b }, backend, attrs });
}

/** `// x [batch, inH, inW, inC], dy [batch, outH, outW, outC] -> dW [kH, kW, inC, outC]` */
function conv2dBackpropFilter(args: KernelArgs): TensorInfo {
  const { inputs: { x, dy }, backend, attrs } = args;
  const g = convGeometry("Conv2DBackpropFilter", {
    xShape: x.shape,
    filterShape: attrs.filterShape as number[],
  }, attrs);
  const k = g.kH * g.kW * g.inC, pixels = g.outH * g.outW;
  const step = imagesPerChunk(g, FILTER_CHUNK_FLOATS);
  const dw = backend.makeOutput([g.kH, g.kW, g.inC, g.outC], "float32"); // = [K, outC]
  heapF32(backend).fill(0, at(backend, dw), at(backend, dw) + k * g.outC);
  for (let n0 = 0; n0 < g.batch; n0 += step) {
    const images = { n0, n1: Math.min(g.batch, n0 + step) };
    const colsT = backend.makeOutput([k, (images.n1 - n0) * pixels], "float32");
    im2colT(heapF32(backend), { x: at(backend, x), cols: at(backend, colsT) }, g, images);
    const rows = imageRows(backend, dy, images);
    const part = matMul(backend, colsT, rows.m); // [K, rows] @ [rows, outC] -> [K, outC]
    const heap = heapF32(backend), p0 = at(backend, part), w0 = at(backend, dw);
    for (let i = 0; i < k * g.outC; i++) heap[w0 + i] += heap[p0 + i];
    for (const t of [colsT, part, ...(rows.copy ? [rows.m] : [])]) backend.disposeData(t.dataId);
  }
  return dw;
}

/** `// dy [batch, outH, outW, outC], filter [kH, kW, inC, outC] -> dx [batch, inH, inW, inC]` */
function conv2dBackpropInput(args: KernelArgs, builtIn: KernelFn): TensorInfo {
  const { inputs: { dy, filter }, backend, attrs } = args;
  if ((attrs.dataFormat ?? "NHWC") !== "NHWC") return builtIn(args);
  const g = convGeometry("Conv2DBackpropInput", {
    xShape: attrs.inputShape as number[],
    filterShape: filter.shape,
  }, attrs);
  const k = g.kH * g.kW * g.inC, step = imagesPerChunk(g, INPUT_CHUNK_FLOATS);
  // [kH, kW, inC, outC] -> [outC, kH, kW, inC], read as W^T [outC, K]
  const wT = callKernel("Transpose", {
    inputs: { x: filter },
    backend,
    attrs: { perm: [3, 0, 1, 2] },
  });
  const dx = backend.makeOutput([g.batch, g.inH, g.inW, g.inC], "float32");
  heapF32(backend).fill(0, at(backend, dx), at(backend, dx) + g.batch * g.inH * g.inW * g.inC);
  for (let n0 = 0; n0 < g.batch; n0 += step) {
    const images = { n0, n1: Math.min(g.batch, n0 + step) };
    const rows = imageRows(backend, dy, images);
    const cols = matMul(backend, rows.m, { ...wT, shape: [g.outC, k] }); // -> [rows, K]
    col2im(heapF32(backend), { cols: at(backend, cols), dx: at(backend, dx) }, g, images);
    for (const t of [cols, ...(rows.copy ? [rows.m] : [])]) backend.disposeData(t.dataId);
  }
  backend.disposeData(wT.dataId);
  return dx;
}

let installed = false;
let replaced: tf.KernelFunc | undefined;

/** The built-in wasm `Conv2DBackpropInput` once replaced (benchmarks compare against it). */
export function builtInConv2dBackpropInput(): tf.KernelFunc | undefined {
  return replaced;
}

/**
 * Registers `Conv2DBackpropFilter` and replaces `Conv2DBackpropInput` on the wasm backend (the
 * built-in stays for NCHW). Call after the wasm backend is set up (train/tf_setup.ts does);
 * safe to call twice. Returns whether the kernels are installed (false without a wasm backend).
 */
export function installWasmConvKernels(): boolean {
  if (installed) return true;
  const original = tf.getKernel("Conv2DBackpropInput", "wasm");
  if (!original) return false;
  const builtIn = original.kernelFunc as unknown as KernelFn;
  replaced = original.kernelFunc;
  tf.unregisterKernel("Conv2DBackpropInput", "wasm");
  tf.registerKernel({
    kernelName: "Conv2DBackpropInput",
    backendName: "wasm",
    setupFunc: original.setupFunc,
    kernelFunc: ((args: KernelArgs) =>
      conv2dBackpropInput(args, builtIn)) as unknown as tf.KernelFunc,
  });
  if (tf.getKernel("Conv2DBackpropFilter", "wasm")) {
    tf.unregisterKernel("Conv2DBackpropFilter", "wasm");
  }
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
  });
  installed = true;
  return true;
}
