/**
 * The spatial ONNX ops on NCHW tensors (private to backends/): Conv (and depthwise),
 * ConvTranspose, Resize/Upsample and pooling, each run in NHWC between two transposes, as
 * TF.js's kernels want.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import {
  attr,
  type Inputs,
  ints,
  num,
  type OpNode,
  str,
  toNchw,
  toNhwc,
  unsupported,
} from "./_onnx_shared.ts";

/** ONNX pads [top, left, bottom, right] of a 2-D conv as TF.js explicit NHWC padding. */
function padsOf(node: OpNode): [[0, 0], [number, number], [number, number], [0, 0]] | "same" {
  const auto = str(node, "auto_pad", "NOTSET");
  if (auto === "SAME_UPPER") return "same";
  if (auto !== "NOTSET" && auto !== "VALID") throw unsupported(node, `auto_pad is '${auto}'`);
  const [t, l, b, r] = attr<number[]>(node, "pads", [0, 0, 0, 0]);
  return [[0, 0], [t, b], [l, r], [0, 0]];
}

export function conv(node: OpNode, [x, w, b]: Inputs): tf.Tensor {
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

export function convTranspose(node: OpNode, [x, w, b]: Inputs): tf.Tensor {
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

export function resize(node: OpNode, [x, , scalesT, sizesT]: Inputs, upsample = false): tf.Tensor {
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

export function pool(node: OpNode, x: tf.Tensor, kind: "max" | "avg"): tf.Tensor {
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
