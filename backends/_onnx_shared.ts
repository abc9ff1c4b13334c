/**
 * What the ONNX ops of `_onnx_ops.ts` and `_onnx_spatial.ts` share: the node shape the
 * `OnnxGraph` layer stores, attribute readers, layout transposes and the unsupported-op error.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

export interface OpNode {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Attributes: numbers, number lists, strings, or a constant tensor `{ shape, values, int }`. */
  attrs: Record<string, unknown>;
}

/** A constant tensor in a node attribute (`Constant`'s value). */
export interface ConstTensor {
  shape: number[];
  values: number[];
  int: boolean;
}

export type Inputs = (tf.Tensor | undefined)[];

export const ints = (t: tf.Tensor | undefined): number[] => (t ? Array.from(t.dataSync()) : []);
export const axisOf = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
export const toNhwc = (x: tf.Tensor) => tf.transpose(x, [0, 2, 3, 1]);
export const toNchw = (x: tf.Tensor) => tf.transpose(x, [0, 3, 1, 2]);

export function attr<T>(node: OpNode, name: string, fallback: T): T {
  return (node.attrs[name] as T | undefined) ?? fallback;
}

export function num(node: OpNode, name: string, fallback: number): number {
  return (node.attrs[name] as number | undefined) ?? fallback;
}

export function str(node: OpNode, name: string, fallback: string): string {
  return (node.attrs[name] as string | undefined) ?? fallback;
}

/** A tensor from a constant attribute. */
export function constTensor(c: ConstTensor): tf.Tensor {
  return tf.tensor(c.values, c.shape, c.int ? "int32" : "float32");
}

export function unsupported(node: OpNode, what: string): Error {
  return new RangeError(`Cannot run the ONNX op '${node.op}' as ${what}`);
}
