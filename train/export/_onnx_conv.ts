/**
 * Conv2D and Conv2DTranspose for the ONNX exporter (private). TF.js convolutions are NHWC with
 * kernels `// [kh, kw, in, out]` (conv) and `// [kh, kw, out, in]` (transposed); ONNX's are
 * NCHW with `// [out, in, kh, kw]` and `// [in, out, kh, kw]`. Padding is made explicit from
 * the static spatial sizes, with TF's rule for 'same' (the odd pixel goes after).
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { type FlowState, toNchw } from "./_onnx_activations.ts";
import { addFloats, addNode, type GraphBuilder } from "./_onnx_graph.ts";
import {
  layerConfig,
  type LayerStep,
  layerWeight,
  outputShapeOf,
  requireWeight,
} from "./_onnx_util.ts";

interface ConvSpec {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: "same" | "valid";
  filters: number;
}

function pair(value: unknown, fallback: number): [number, number] {
  if (value == null) return [fallback, fallback];
  if (typeof value === "number") return [value, value];
  const list = value as number[];
  return [list[0], list.length > 1 ? list[1] : list[0]];
}

function convSpec(layer: tf.layers.Layer): ConvSpec {
  const config = layerConfig(layer);
  const where = `'${layer.getClassName()}' layer '${layer.name}'`;
  if ((config.dataFormat ?? "channelsLast") !== "channelsLast") {
    throw new RangeError(
      `Cannot export ${where} as only dataFormat 'channelsLast' is supported: ` +
        `got '${config.dataFormat}'`,
    );
  }
  const padding = config.padding as string;
  if (padding !== "same" && padding !== "valid") {
    throw new RangeError(
      `Cannot export ${where} as only 'same' and 'valid' padding are supported: got '${padding}'`,
    );
  }
  return {
    kernel: pair(config.kernelSize, 1),
    strides: pair(config.strides, 1),
    dilations: pair(config.dilationRate, 1),
    padding,
    filters: config.filters as number,
  };
}

/** Permutes a 4-D kernel `// [a, b, c, d] -> [d, c, a, b]` (TF.js -> ONNX for both kinds). */
export function kernelToOnnx(
  values: Float32Array,
  dims: [number, number, number, number],
): Float32Array {
  const [a, b, c, d] = dims;
  const out = new Float32Array(values.length);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      for (let k = 0; k < c; k++) {
        for (let l = 0; l < d; l++) {
          out[((l * c + k) * a + i) * b + j] = values[((i * b + j) * c + k) * d + l];
        }
      }
    }
  }
  return out;
}

function biasInputs(
  graph: GraphBuilder,
  conv: { layer: tf.layers.Layer; filters: number },
): string[] {
  const { layer, filters } = conv;
  const bias = layerWeight(layer, "bias");
  return bias ? [addFloats(graph, `${layer.name}/bias`, { values: bias, dims: [filters] })] : [];
}

/** Conv2D: NCHW Conv with explicit pads `[top, left, bottom, right]`. */
export function addConv2d(graph: GraphBuilder, step: LayerStep): FlowState {
  const { layer } = step;
  const spec = convSpec(layer);
  const state = toNchw(graph, step.state, { layer: layer.name });
  const [h, w, inC] = state.shape;
  const pads = [0, 0, 0, 0];
  if (spec.padding === "same") {
    [h, w].forEach((size, axis) => {
      const out = Math.ceil(size / spec.strides[axis]);
      const span = (spec.kernel[axis] - 1) * spec.dilations[axis] + 1;
      const total = Math.max((out - 1) * spec.strides[axis] + span - size, 0);
      pads[axis] = Math.floor(total / 2);
      pads[axis + 2] = total - pads[axis];
    });
  }
  const dims: [number, number, number, number] = [...spec.kernel, inC, spec.filters];
  const weight = addFloats(graph, `${layer.name}/kernel`, {
    values: kernelToOnnx(requireWeight(layer, "kernel"), dims), // [out, in, kh, kw]
    dims: [spec.filters, inC, ...spec.kernel],
  });
  const name = addNode(graph, {
    type: "Conv",
    inputs: [state.name, weight, ...biasInputs(graph, { layer, filters: spec.filters })],
    hint: layer.name,
  }, { kernel_shape: spec.kernel, strides: spec.strides, dilations: spec.dilations, pads });
  return { name, layout: "nchw", shape: outputShapeOf(layer) };
}

/**
 * Conv2DTranspose: NCHW ConvTranspose. The full output `(in - 1) * s + k` is cropped to TF.js's
 * output size (pads, odd pixel after) or, when smaller, extended with `output_padding`.
 */
export function addConv2dTranspose(graph: GraphBuilder, step: LayerStep): FlowState {
  const { layer } = step;
  const spec = convSpec(layer);
  if (spec.dilations[0] !== 1 || spec.dilations[1] !== 1) {
    throw new RangeError(
      `Cannot export 'Conv2DTranspose' layer '${layer.name}' as dilation is not supported: ` +
        `got [${spec.dilations}]`,
    );
  }
  const state = toNchw(graph, step.state, { layer: layer.name });
  const [h, w, inC] = state.shape;
  const outShape = outputShapeOf(layer); // [H', W', filters]
  const pads = [0, 0, 0, 0];
  const outputPadding = [0, 0];
  [h, w].forEach((size, axis) => {
    const full = (size - 1) * spec.strides[axis] + spec.kernel[axis];
    const total = full - outShape[axis];
    if (total >= 0) {
      pads[axis] = Math.floor(total / 2);
      pads[axis + 2] = total - pads[axis];
    } else {
      outputPadding[axis] = -total;
    }
  });
  const dims: [number, number, number, number] = [...spec.kernel, spec.filters, inC];
  const weight = addFloats(graph, `${layer.name}/kernel`, {
    values: kernelToOnnx(requireWeight(layer, "kernel"), dims), // [in, out, kh, kw]
    dims: [inC, spec.filters, ...spec.kernel],
  });
  const name = addNode(graph, {
    type: "ConvTranspose",
    inputs: [state.name, weight, ...biasInputs(graph, { layer, filters: spec.filters })],
    hint: layer.name,
  }, {
    kernel_shape: spec.kernel,
    strides: spec.strides,
    pads,
    output_padding: outputPadding,
  });
  return { name, layout: "nchw", shape: outShape };
}
