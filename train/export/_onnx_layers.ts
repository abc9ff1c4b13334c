/**
 * TF.js layer -> ONNX node converters (private to train/export/). Each converter takes the
 * flowing tensor and returns the tensor after the layer, in inference form.
 *
 * @module
 */

import {
  addActivation,
  addLeakyRelu,
  type FlowState,
  toNchw,
  toNhwc,
} from "./_onnx_activations.ts";
import { addFloats, addInt64s, addNode, type GraphBuilder } from "./_onnx_graph.ts";
import { addConv2d, addConv2dTranspose } from "./_onnx_conv.ts";
import { addFourierFeatures } from "./_onnx_fourier.ts";
import {
  addConcatenate,
  addDot,
  addElementwise,
  addEmbedding,
  addUpSampling2d,
} from "./_onnx_merge.ts";
import {
  layerConfig,
  type LayerStep,
  layerWeight,
  outputShapeOf,
  requireWeight,
} from "./_onnx_util.ts";

/** Layer classes {@linkcode convertLayer} supports. */
export const SUPPORTED_LAYERS = [
  "InputLayer",
  "Dense",
  "Activation",
  "LeakyReLU",
  "ReLU",
  "Reshape",
  "Flatten",
  "Dropout",
  "BatchNormalization",
  "Conv2D",
  "Conv2DTranspose",
  "UpSampling2D",
  "Embedding",
  "Add",
  "Multiply",
  "Concatenate",
  "Dot",
  "FourierFeatures",
] as const;

function addDense(graph: GraphBuilder, step: LayerStep): FlowState {
  const { layer } = step;
  const state = toNhwc(graph, step.state, { layer: layer.name });
  const units = layerConfig(layer).units as number;
  const inDim = state.shape[state.shape.length - 1];
  const kernel = addFloats(graph, `${layer.name}/kernel`, {
    values: requireWeight(layer, "kernel"), // [in, units]
    dims: [inDim, units],
  });
  let name = addNode(graph, { type: "MatMul", inputs: [state.name, kernel], hint: layer.name });
  const bias = layerWeight(layer, "bias");
  if (bias) {
    const b = addFloats(graph, `${layer.name}/bias`, { values: bias, dims: [units] });
    name = addNode(graph, { type: "Add", inputs: [name, b], hint: `${layer.name}/biased` });
  }
  const out: FlowState = { name, layout: "nhwc", shape: [...state.shape.slice(0, -1), units] };
  return withActivation(graph, { layer, state: out });
}

/** Applies the layer's own `activation` config (dense, conv). */
export function withActivation(graph: GraphBuilder, step: LayerStep): FlowState {
  const { layer, state } = step;
  const activation = (layerConfig(layer).activation as string | undefined) ?? "linear";
  return addActivation(graph, state, {
    name: activation,
    layer: layer.name,
    className: layer.getClassName(),
  });
}

function addReshape(graph: GraphBuilder, step: LayerStep): FlowState {
  const { layer } = step;
  const state = toNhwc(graph, step.state, { layer: layer.name });
  const target = outputShapeOf(layer);
  const shape = addInt64s(graph, { hint: `${layer.name}/shape`, values: [0, ...target] });
  const name = addNode(graph, { type: "Reshape", inputs: [state.name, shape], hint: layer.name });
  return { name, layout: "nhwc", shape: target };
}

function addBatchNorm(graph: GraphBuilder, step: LayerStep): FlowState {
  const { layer, state: input } = step;
  const config = layerConfig(layer);
  const rank = input.shape.length + 1;
  const axis = config.axis as number;
  if (axis !== -1 && axis !== rank - 1) {
    throw new RangeError(
      `Cannot export 'BatchNormalization' layer '${layer.name}' as only the last (channel) ` +
        `axis is supported: got axis ${axis} on a rank-${rank} input`,
    );
  }
  if (rank !== 2 && rank !== 4) {
    throw new RangeError(
      `Cannot export 'BatchNormalization' layer '${layer.name}' as only rank 2 [N, C] or ` +
        `rank 4 [N, H, W, C] inputs are supported: got rank ${rank}`,
    );
  }
  // ONNX BatchNormalization normalizes axis 1: [N, C] as is, [N, H, W, C] once in NCHW.
  const state = rank === 4 ? toNchw(graph, input, { layer: layer.name }) : input;
  const channels = input.shape[input.shape.length - 1];
  const param = (short: string, fill: number) =>
    addFloats(graph, `${layer.name}/${short}`, {
      values: layerWeight(layer, short) ?? new Float32Array(channels).fill(fill),
      dims: [channels],
    });
  const inputs = [
    state.name,
    param("gamma", 1),
    param("beta", 0),
    addFloats(graph, `${layer.name}/moving_mean`, {
      values: requireWeight(layer, "moving_mean"),
      dims: [channels],
    }),
    addFloats(graph, `${layer.name}/moving_variance`, {
      values: requireWeight(layer, "moving_variance"),
      dims: [channels],
    }),
  ];
  const name = addNode(graph, { type: "BatchNormalization", inputs, hint: layer.name }, {
    epsilon: { float: config.epsilon as number },
  });
  return { ...state, name };
}

/** Converts one layer; throws naming the layer class and name when it is not supported. */
export function convertLayer(graph: GraphBuilder, step: LayerStep): FlowState {
  const { layer, state } = step;
  const className = layer.getClassName();
  const ints = (step.flowing ?? [state]).some((s) => s.dtype === "int64");
  if (ints && className !== "Embedding") {
    throw new TypeError(
      `Cannot export '${className}' layer '${layer.name}' as it reads a class index input: ` +
        `only an Embedding layer may`,
    );
  }
  switch (className) {
    case "InputLayer":
    case "Dropout":
      return state;
    case "Dense":
      return addDense(graph, step);
    case "Activation":
      return withActivation(graph, step);
    case "LeakyReLU":
      return addLeakyRelu(graph, state, {
        alpha: (layerConfig(layer).alpha as number | undefined) ?? 0.3,
        layer: layer.name,
      });
    case "ReLU": {
      if (layerConfig(layer).maxValue != null) break;
      return addActivation(graph, state, { name: "relu", layer: layer.name, className });
    }
    case "Reshape":
    case "Flatten":
      return addReshape(graph, step);
    case "BatchNormalization":
      return addBatchNorm(graph, step);
    case "Conv2D":
      return withActivation(graph, { layer, state: addConv2d(graph, step) });
    case "Conv2DTranspose":
      return withActivation(graph, { layer, state: addConv2dTranspose(graph, step) });
    case "UpSampling2D":
      return addUpSampling2d(graph, step);
    case "Embedding":
      return addEmbedding(graph, step);
    case "Add":
    case "Multiply":
      return addElementwise(graph, step);
    case "Concatenate":
      return addConcatenate(graph, step);
    case "Dot":
      return addDot(graph, step);
    case "FourierFeatures":
      return addFourierFeatures(graph, step);
  }
  throw new TypeError(
    `Cannot export '${className}' layer '${layer.name}' as it is not supported: ` +
      `supported layers are ${SUPPORTED_LAYERS.join(", ")}`,
  );
}
