/**
 * A faster transposed matmul for training on tfjs-wasm. tfjs-backend-wasm 4.22 runs
 * `BatchMatMul` with `transposeA` or `transposeB` on a slow path (measured here: 64 x 784 by
 * 64 x 512 with transposeA took about 60 ms against 2 to 5 ms for an explicit transpose then a
 * plain matmul). Every dense layer's backward pass uses those flags, so this wrapper transposes
 * explicitly and calls the original kernel without them. Results are the same product.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type KernelArgs = {
  inputs: Record<string, TensorInfo>;
  backend: { disposeData(dataId: object): void };
  attrs?: Record<string, unknown>;
};
type KernelFn = (args: KernelArgs) => TensorInfo;

let installed = false;

/** Swaps the last two dimensions of `x` with the backend's own Transpose kernel. */
function swapLast(x: TensorInfo, backend: KernelArgs["backend"]): TensorInfo {
  const transpose = tf.getKernel("Transpose", "wasm")!.kernelFunc as unknown as KernelFn;
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return transpose({ inputs: { x }, backend, attrs: { perm } });
}

/**
 * Wraps the wasm `BatchMatMul` kernel so transposed operands are transposed explicitly first.
 * Call after the wasm backend is set up; safe to call twice. Returns whether it is installed.
 */
export function installWasmMatMulFix(): boolean {
  if (installed) return true;
  const original = tf.getKernel("BatchMatMul", "wasm");
  if (!original) return false;
  const plain = original.kernelFunc as unknown as KernelFn;
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({
    kernelName: "BatchMatMul",
    backendName: "wasm",
    kernelFunc: ((args: KernelArgs) => {
      const { inputs, backend, attrs = {} } = args;
      if (!attrs.transposeA && !attrs.transposeB) return plain(args);
      const a = attrs.transposeA ? swapLast(inputs.a, backend) : inputs.a;
      const b = attrs.transposeB ? swapLast(inputs.b, backend) : inputs.b;
      try {
        return plain({
          inputs: { a, b },
          backend,
          attrs: { ...attrs, transposeA: false, transposeB: false },
        });
      } finally {
        if (a !== inputs.a) backend.disposeData(a.dataId);
        if (b !== inputs.b) backend.disposeData(b.dataId);
      }
    }) as unknown as tf.KernelFunc,
  });
  installed = true;
  return true;
}
