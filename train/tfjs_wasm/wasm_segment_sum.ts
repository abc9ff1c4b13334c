/**
 * `UnsortedSegmentSum` for tfjs-backend-wasm 4.22, which lacks it. The gradient of `gather`
 * (so of every Embedding layer) is a segment sum, so class embeddings cannot train on wasm
 * without it. The sums here are small (batch x embedding width), so a plain loop over the
 * backend's memory is enough.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string, offset?: number, values?: ArrayLike<number>): unknown;
}

/**
 * `out[s, ...] = sum of x[i, ...] over i with ids[i] = s` for `s < numSegments`; rows whose id
 * is negative or at least `numSegments` are dropped (as TensorFlow does).
 * `x`: `// [n, ...rest]`, `ids`: `// [n]` -> `// [numSegments, ...rest]`.
 */
export function segmentSum(
  x: { values: ArrayLike<number>; shape: number[] },
  segments: { ids: ArrayLike<number>; count: number },
): Float32Array {
  const n = x.shape[0], row = n === 0 ? 0 : x.values.length / n;
  const out = new Float32Array(segments.count * row);
  for (let i = 0; i < n; i++) {
    const s = segments.ids[i];
    if (s < 0 || s >= segments.count) continue;
    for (let j = 0; j < row; j++) out[s * row + j] += x.values[i * row + j];
  }
  return out;
}

/** Registers the kernel on the wasm backend unless it has one; returns whether it is there. */
export function installWasmSegmentSum(): boolean {
  if (tf.getKernel("UnsortedSegmentSum", "wasm")) return true;
  if (!tf.findBackend("wasm")) return false;
  tf.registerKernel({
    kernelName: "UnsortedSegmentSum",
    backendName: "wasm",
    kernelFunc: ((args: {
      inputs: { x: TensorInfo; segmentIds: TensorInfo };
      backend: WasmBackendLike;
      attrs: { numSegments: number };
    }) => {
      const { inputs: { x, segmentIds }, backend, attrs } = args;
      if (x.dtype !== "float32" || segmentIds.shape.length !== 1) {
        throw new TypeError(
          `Cannot sum segments on wasm of a ${x.dtype} tensor with ids of rank ` +
            `${segmentIds.shape.length}: expected float32 data and rank-1 ids`,
        );
      }
      const values = segmentSum(
        { values: backend.readSync(x.dataId), shape: x.shape },
        { ids: backend.readSync(segmentIds.dataId), count: attrs.numSegments },
      );
      return backend.makeOutput(
        [attrs.numSegments, ...x.shape.slice(1)],
        "float32",
        undefined,
        values,
      );
    }) as unknown as tf.KernelFunc,
  });
  return true;
}
