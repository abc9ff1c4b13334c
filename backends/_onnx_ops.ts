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

/** One node as the layer's config stores it. */
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

type Inputs = (tf.Tensor | undefined)[];

const ints = (t: tf.Tensor | undefined): number[] => (t ? Array.from(t.dataSync()) : []);
const axisOf = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
const toNhwc = (x: tf.Tensor) => tf.transpose(x, [0, 2, 3, 1]);
const toNchw = (x: tf.Tensor) => tf.transpose(x, [0, 3, 1, 2]);

function attr<T>(node: OpNode, name: string, fallback: T): T {
  return (node.attrs[name] as T | undefined) ?? fallback;
}

function num(node: OpNode, name: string, fallback: number): number {
  return (node.attrs[name] as number | undefined) ?? fallback;
}

function str(node: OpNode, name: string, fallback: string): string {
  return (node.attrs[name] as string | undefined) ?? fallback;
}

/** A tensor from a constant attribute. */
export function constTensor(c: ConstTensor): tf.Tensor {
  return tf.tensor(c.values, c.shape, c.int ? "int32" : "float32");
}

function unsupported(node: OpNode, what: string): Error {
  return new RangeError(`Cannot run the ONNX op '${node.op}' as ${what}`);
}

/** ONNX pads [top, left, bottom, right] of a 2-D conv as TF.js explicit NHWC padding. */
function padsOf(node: OpNode): [[0, 0], [number, number], [number, number], [0, 0]] | "same" {
  const auto = str(node, "auto_pad", "NOTSET");
  if (auto === "SAME_UPPER") return "same";
  if (auto !== "NOTSET" && auto !== "VALID") throw unsupported(node, `auto_pad is '${auto}'`);
  const [t, l, b, r] = attr<number[]>(node, "pads", [0, 0, 0, 0]);
  return [[0, 0], [t, b], [l, r], [0, 0]];
}

function conv(node: OpNode, [x, w, b]: Inputs): tf.Tensor {
  if (x!.rank !== 4) throw unsupported(node, `its input has rank ${x!.rank}: expected 4 (NCHW)`);
  const strides = attr<number[]>(node, "strides", [1, 1]) as [number, number];
  const dilations = attr<number[]>(node, "dilations", [1, 1]) as [number, number];
  const group = num(node, "group", 1);
  const inC = x!.shape[1]!;
  let y: tf.Tensor4D;
  if (group === 1) {
    const filter = tf.transpose(w!, [2, 3, 1, 0]) as tf.Tensor4D; // [out, in, kh, kw] -> [kh, kw, in, out]
    y = tf.conv2d(toNhwc(x!) as tf.Tensor4D, filter, strides, padsOf(node), "NHWC", dilations);
  } else if (group === inC && w!.shape[1] === 1) {
    const mult = w!.shape[0]! / inC; // [in * mult, 1, kh, kw] -> [kh, kw, in, mult]
    const filter = tf.transpose(tf.reshape(w!, [inC, mult, w!.shape[2]!, w!.shape[3]!]), [
      2,
      3,
      0,
      1,
    ]);
    y = tf.depthwiseConv2d(
      toNhwc(x!) as tf.Tensor4D,
      filter as tf.Tensor4D,
      strides,
      padsOf(node),
      "NHWC",
      dilations,
    );
  } else throw unsupported(node, `group is ${group}: only 1 and depthwise are supported`);
  const out = toNchw(y);
  return b ? tf.add(out, tf.reshape(b, [1, -1, 1, 1])) : out;
}

function convTranspose(node: OpNode, [x, w, b]: Inputs): tf.Tensor {
  if (num(node, "group", 1) !== 1) throw unsupported(node, "group is not 1");
  if (attr<number[]>(node, "dilations", [1, 1]).some((d) => d !== 1)) {
    throw unsupported(node, "dilations are not 1");
  }
  if (str(node, "auto_pad", "NOTSET") !== "NOTSET" || node.attrs.output_shape) {
    throw unsupported(node, "auto_pad or output_shape is set: give explicit pads");
  }
  const [sh, sw] = attr<number[]>(node, "strides", [1, 1]);
  const [t, l, bt, r] = attr<number[]>(node, "pads", [0, 0, 0, 0]);
  const [oph, opw] = attr<number[]>(node, "output_padding", [0, 0]);
  const [n, , ih, iw] = x!.shape as number[];
  const [, outC, kh, kw] = w!.shape as number[];
  // The full ('valid') transposed conv, then ONNX's pads cropped and output_padding kept.
  const fullH = sh * (ih - 1) + kh, fullW = sw * (iw - 1) + kw;
  const filter = tf.transpose(w!, [2, 3, 1, 0]) as tf.Tensor4D; // [in, out, kh, kw] -> [kh, kw, out, in]
  let y = tf.conv2dTranspose(
    toNhwc(x!) as tf.Tensor4D,
    filter,
    [n, fullH + oph, fullW + opw, outC],
    [sh, sw],
    "valid",
  );
  const oh = fullH + oph - t - bt, ow = fullW + opw - l - r;
  y = tf.slice(y, [0, t, l, 0], [n, oh, ow, outC]);
  const out = toNchw(y);
  return b ? tf.add(out, tf.reshape(b, [1, -1, 1, 1])) : out;
}

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

function resize(node: OpNode, [x, , scalesT, sizesT]: Inputs, upsample = false): tf.Tensor {
  if (x!.rank !== 4) throw unsupported(node, `its input has rank ${x!.rank}: expected 4 (NCHW)`);
  const [n, c, h, w] = x!.shape as number[];
  let size: [number, number];
  const sizes = ints(sizesT);
  if (sizes.length === 4) {
    if (sizes[0] !== n || sizes[1] !== c) throw unsupported(node, "it resizes N or C");
    size = [sizes[2], sizes[3]];
  } else {
    const scales = ints(scalesT); // float values: ints() reads any tensor's numbers
    const s = scales.length === 4 ? scales : (node.attrs.scales as number[]);
    if (!s || s[0] !== 1 || s[1] !== 1) throw unsupported(node, "it scales N or C");
    size = [Math.floor(h * s[2]), Math.floor(w * s[3])];
  }
  const mode = str(node, "mode", "nearest");
  const coords: string = attr(
    node,
    "coordinate_transformation_mode",
    upsample ? "asymmetric" : "half_pixel",
  );
  const nhwc = toNhwc(x!) as tf.Tensor4D;
  let y: tf.Tensor4D;
  if (mode === "nearest") {
    if (coords !== "asymmetric" || str(node, "nearest_mode", "round_prefer_floor") !== "floor") {
      if (!(size[0] % h === 0 && size[1] % w === 0)) {
        throw unsupported(
          node,
          `nearest resizing with '${coords}' is supported at integer scales only`,
        );
      }
    }
    y = tf.image.resizeNearestNeighbor(nhwc, size, false, false);
  } else if (mode === "linear") {
    if (coords === "align_corners") y = tf.image.resizeBilinear(nhwc, size, true, false);
    else if (coords === "half_pixel" || coords === "pytorch_half_pixel") {
      y = tf.image.resizeBilinear(nhwc, size, false, true);
    } else if (coords === "asymmetric") y = tf.image.resizeBilinear(nhwc, size, false, false);
    else throw unsupported(node, `coordinate_transformation_mode is '${coords}'`);
  } else throw unsupported(node, `mode is '${mode}'`);
  return toNchw(y);
}

function pool(node: OpNode, x: tf.Tensor, kind: "max" | "avg"): tf.Tensor {
  const [kh, kw] = attr<number[]>(node, "kernel_shape", [1, 1]);
  const strides = attr<number[]>(node, "strides", [1, 1]) as [number, number];
  const [t, l, b, r] = attr<number[]>(node, "pads", [0, 0, 0, 0]);
  if (t !== b || l !== r || t !== l) throw unsupported(node, "its pads are not all equal");
  if (kind === "avg" && t > 0 && num(node, "count_include_pad", 0) !== 1) {
    throw unsupported(node, "padded average pooling excludes the padding");
  }
  const nhwc = toNhwc(x) as tf.Tensor4D;
  const y = kind === "max"
    ? tf.maxPool(nhwc, [kh, kw], strides, t === 0 ? "valid" : t)
    : tf.avgPool(nhwc, [kh, kw], strides, t === 0 ? "valid" : t);
  return toNchw(y);
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
