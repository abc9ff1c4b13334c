/**
 * ONNX operators on TF.js tensors, for {@linkcode OnnxGraph} (`onnx_graph.ts`): the ops that
 * GANs exported from PyTorch use (Gemm/MatMul, Conv, ConvTranspose, BatchNormalization,
 * activations, Reshape/Flatten/Squeeze/Unsqueeze/Transpose/Concat, Resize/Upsample, Gather for
 * embeddings, OneHot, Cast, shape arithmetic). Tensors keep ONNX's layout (NCHW); convolutions
 * run in NHWC between two transposes, as TF.js's kernels want. Integer values (int64 in ONNX)
 * are int32 here.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import {
  axisOf,
  type ConstTensor,
  constTensor,
  type Inputs,
  ints,
  num,
  type OpNode,
  unsupported,
} from "./_onnx_shared.ts";
import { conv, convTranspose, pool, resize } from "./_onnx_spatial.ts";

export type { ConstTensor, OpNode } from "./_onnx_shared.ts";
export { constTensor } from "./_onnx_shared.ts";

/** One node as the layer's config stores it. */
function batchNorm(node: OpNode, [x, scale, bias, mean, variance]: Inputs): tf.Tensor {
  const eps = num(node, "epsilon", 1e-5);
  const shape = [1, -1, ...new Array(x!.rank - 2).fill(1)];
  const r = (t: tf.Tensor) => tf.reshape(t, shape);
  const inv = tf.div(r(scale!), tf.sqrt(tf.add(r(variance!), eps)));
  return tf.add(tf.mul(tf.sub(x!, r(mean!)), inv), r(bias!));
}

function gemm(node: OpNode, [a, b, c]: Inputs): tf.Tensor {
  const alpha = num(node, "alpha", 1), beta = num(node, "beta", 1);
  let y = tf.matMul(a!, b!, num(node, "transA", 0) === 1, num(node, "transB", 0) === 1);
  if (alpha !== 1) y = tf.mul(y, alpha);
  return c ? tf.add(y, beta === 1 ? c : tf.mul(c, beta)) : y;
}

function reshape(node: OpNode, x: tf.Tensor, shape: number[]): tf.Tensor {
  const allowZero = num(node, "allowzero", 0) === 1;
  return tf.reshape(x, shape.map((d, i) => (d === 0 && !allowZero ? x.shape[i]! : d)));
}

function axesOf(node: OpNode, input: tf.Tensor | undefined): number[] | undefined {
  const axes = input ? ints(input) : (node.attrs.axes as number[] | undefined);
  return axes && axes.length ? axes : undefined;
}

const CAST: Record<number, tf.DataType> = { 1: "float32", 6: "int32", 7: "int32", 9: "bool" };

/** Runs one node on its input tensors; returns its outputs. */
export function runOp(node: OpNode, inputs: Inputs): tf.Tensor[] {
  const [x, y] = inputs;
  switch (node.op) {
    case "Identity":
    case "Dropout":
      return [x!];
    case "Add":
      return [tf.add(x!, y!)];
    case "Sub":
      return [tf.sub(x!, y!)];
    case "Mul":
      return [tf.mul(x!, y!)];
    case "Div":
      return [x!.dtype === "int32" ? tf.floorDiv(x!, y!) : tf.div(x!, y!)];
    case "Pow":
      return [tf.pow(x!, y!)];
    case "Neg":
      return [tf.neg(x!)];
    case "Abs":
      return [tf.abs(x!)];
    case "Exp":
      return [tf.exp(x!)];
    case "Log":
      return [tf.log(x!)];
    case "Sqrt":
      return [tf.sqrt(x!)];
    case "Reciprocal":
      return [tf.reciprocal(x!)];
    case "Relu":
      return [tf.relu(x!)];
    case "LeakyRelu":
      return [tf.leakyRelu(x!, num(node, "alpha", 0.01))];
    case "Elu":
      return [tf.elu(x!)];
    case "Tanh":
      return [tf.tanh(x!)];
    case "Sigmoid":
      return [tf.sigmoid(x!)];
    case "Softplus":
      return [tf.softplus(x!)];
    case "Softmax":
      return [tf.softmax(x!, axisOf(num(node, "axis", -1), x!.rank))];
    case "Clip": {
      const lo = inputs[1] ? ints(inputs[1])[0] : num(node, "min", -Infinity);
      const hi = inputs[2] ? ints(inputs[2])[0] : num(node, "max", Infinity);
      return [tf.clipByValue(x!, lo, hi)];
    }
    case "MatMul":
      return [tf.matMul(x!, y!)];
    case "Gemm":
      return [gemm(node, inputs)];
    case "Conv":
      return [conv(node, inputs)];
    case "ConvTranspose":
      return [convTranspose(node, inputs)];
    case "BatchNormalization":
      return [batchNorm(node, inputs)];
    case "MaxPool":
      return [pool(node, x!, "max")];
    case "AveragePool":
      return [pool(node, x!, "avg")];
    case "Reshape":
      return [reshape(node, x!, ints(y))];
    case "Flatten": {
      const axis = axisOf(num(node, "axis", 1), x!.rank);
      const lead = x!.shape.slice(0, axis).reduce((a, b) => a * b!, 1);
      return [tf.reshape(x!, [lead, -1])];
    }
    case "Squeeze":
      return [tf.squeeze(x!, axesOf(node, y)?.map((a) => axisOf(a, x!.rank)))];
    case "Unsqueeze": {
      const axes = axesOf(node, y)!, rank = x!.rank + axes.length;
      let out = x!;
      for (const a of axes.map((a) => axisOf(a, rank)).sort((p, q) => p - q)) {
        out = tf.expandDims(out, a);
      }
      return [out];
    }
    case "Transpose":
      return [tf.transpose(x!, node.attrs.perm as number[] | undefined)];
    case "Concat": {
      const parts = inputs.filter((t): t is tf.Tensor => t !== undefined && t.size > 0);
      return [tf.concat(parts, axisOf(num(node, "axis", 0), parts[0].rank))];
    }
    case "Shape":
      return [tf.tensor1d(x!.shape as number[], "int32")];
    case "Gather": {
      const axis = axisOf(num(node, "axis", 0), x!.rank);
      const idx = tf.cast(y!, "int32");
      const size = tf.scalar(x!.shape[axis]!, "int32");
      const fixed = tf.where(tf.less(idx, tf.scalar(0, "int32")), tf.add(idx, size), idx);
      if (idx.rank === 0) return [tf.squeeze(tf.gather(x!, tf.reshape(fixed, [1]), axis), [axis])];
      return [tf.gather(x!, fixed, axis)];
    }
    case "Cast": {
      const to = CAST[num(node, "to", 1)];
      if (!to) throw unsupported(node, `it casts to type ${node.attrs.to}`);
      return [tf.cast(x!, to)];
    }
    case "Constant": {
      const value = node.attrs.value as ConstTensor | undefined;
      if (!value) throw unsupported(node, "it holds no 'value' tensor");
      return [constTensor(value)];
    }
    case "OneHot": {
      const depth = ints(y)[0], [off, on] = Array.from(inputs[2]!.dataSync());
      if (axisOf(num(node, "axis", -1), x!.rank + 1) !== x!.rank) {
        throw unsupported(node, "its axis is not the last");
      }
      const hot = tf.oneHot(tf.cast(tf.reshape(x!, [-1]), "int32"), depth);
      const scaled = tf.add(tf.mul(tf.cast(hot, "float32"), on - off), off);
      return [tf.reshape(scaled, [...x!.shape, depth])];
    }
    case "Resize":
      return [resize(node, inputs)];
    case "Upsample":
      return [resize(node, [x, undefined, y, undefined], true)];
    default:
      throw new RangeError(`Cannot run the ONNX op '${node.op}' as it is not supported`);
  }
}

/** The ops {@linkcode runOp} runs. */
export const SUPPORTED_OPS: readonly string[] = [
  "Identity",
  "Dropout",
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Pow",
  "Neg",
  "Abs",
  "Exp",
  "Log",
  "Sqrt",
  "Reciprocal",
  "Relu",
  "LeakyRelu",
  "Elu",
  "Tanh",
  "Sigmoid",
  "Softplus",
  "Softmax",
  "Clip",
  "MatMul",
  "Gemm",
  "Conv",
  "ConvTranspose",
  "BatchNormalization",
  "MaxPool",
  "AveragePool",
  "Reshape",
  "Flatten",
  "Squeeze",
  "Unsqueeze",
  "Transpose",
  "Concat",
  "Shape",
  "Gather",
  "Cast",
  "Constant",
  "OneHot",
  "Resize",
  "Upsample",
];
