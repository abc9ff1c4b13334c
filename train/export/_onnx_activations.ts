/**
 * Activations and layout moves for the ONNX exporter (private to train/export/).
 *
 * A tensor flowing through the export keeps TF.js's logical NHWC shape; 4-D tensors may sit
 * in NCHW layout between convolutions so that a conv -> batchnorm -> activation -> conv chain
 * needs no transposes in between.
 *
 * @module
 */

import { addFloats, addNode, type GraphBuilder } from "./_onnx_graph.ts";

/** The tensor being exported: its graph name, memory layout and logical NHWC shape. */
export interface FlowState {
  name: string;
  /** `nchw` only for rank-4 tensors between convolutions. */
  layout: "nhwc" | "nchw";
  /** Logical TF.js shape without the batch dimension, e.g. `// [H, W, C]`. */
  shape: number[];
}

/** Options of the layout moves: the layer they serve, for node names and messages. */
export interface LayoutOptions {
  layer: string;
}

/** The state in TF.js's own (NHWC) layout, inserting a Transpose when needed. */
export function toNhwc(graph: GraphBuilder, state: FlowState, options: LayoutOptions): FlowState {
  if (state.layout === "nhwc") return state;
  const hint = options.layer;
  const name = addNode(graph, { type: "Transpose", inputs: [state.name], hint: `${hint}/nhwc` }, {
    perm: [0, 2, 3, 1],
  });
  return { ...state, name, layout: "nhwc" };
}

/** The state in ONNX's NCHW layout (rank 4 only), inserting a Transpose when needed. */
export function toNchw(graph: GraphBuilder, state: FlowState, options: LayoutOptions): FlowState {
  if (state.layout === "nchw") return state;
  const hint = options.layer;
  if (state.shape.length !== 3) {
    throw new RangeError(
      `Cannot export '${hint}' as it expects a rank-4 input [N, H, W, C]: ` +
        `got [N, ${state.shape.join(", ")}]`,
    );
  }
  const name = addNode(graph, { type: "Transpose", inputs: [state.name], hint: `${hint}/nchw` }, {
    perm: [0, 3, 1, 2],
  });
  return { ...state, name, layout: "nchw" };
}

/** Activation names (TF.js serialized form) this exporter supports. */
export const SUPPORTED_ACTIVATIONS = [
  "linear",
  "relu",
  "relu6",
  "tanh",
  "sigmoid",
  "elu",
  "selu",
  "softplus",
  "softsign",
  "hardSigmoid",
  "swish",
  "softmax",
] as const;

function unary(graph: GraphBuilder, state: FlowState, op: string, hint: string): FlowState {
  return { ...state, name: addNode(graph, { type: op, inputs: [state.name], hint }) };
}

/**
 * Appends a TF.js activation by its serialized name. Element-wise activations keep the
 * layout; softmax (over the last logical axis) moves to NHWC first.
 */
export function addActivation(
  graph: GraphBuilder,
  state: FlowState,
  activation: { name: string; layer: string; className: string },
): FlowState {
  const hint = `${activation.layer}/${activation.name}`;
  switch (activation.name) {
    case "linear":
      return state;
    case "relu":
      return unary(graph, state, "Relu", hint);
    case "tanh":
      return unary(graph, state, "Tanh", hint);
    case "sigmoid":
      return unary(graph, state, "Sigmoid", hint);
    case "softplus":
      return unary(graph, state, "Softplus", hint);
    case "softsign":
      return unary(graph, state, "Softsign", hint);
    case "selu":
      return unary(graph, state, "Selu", hint);
    case "elu":
      return unary(graph, state, "Elu", hint);
    case "hardSigmoid":
      // TF.js: clip(0.2 x + 0.5, 0, 1), ONNX's default alpha and beta.
      return unary(graph, state, "HardSigmoid", hint);
    case "relu6": {
      const lo = addFloats(graph, `${hint}/min`, { values: Float32Array.of(0), dims: [] });
      const hi = addFloats(graph, `${hint}/max`, { values: Float32Array.of(6), dims: [] });
      const name = addNode(graph, { type: "Clip", inputs: [state.name, lo, hi], hint });
      return { ...state, name };
    }
    case "swish": {
      const gate = addNode(graph, { type: "Sigmoid", inputs: [state.name], hint: `${hint}/gate` });
      return { ...state, name: addNode(graph, { type: "Mul", inputs: [state.name, gate], hint }) };
    }
    case "softmax": {
      const nhwc = toNhwc(graph, state, { layer: hint });
      return {
        ...nhwc,
        name: addNode(graph, { type: "Softmax", inputs: [nhwc.name], hint }, { axis: -1 }),
      };
    }
    default:
      throw new TypeError(
        `Cannot export '${activation.className}' layer '${activation.layer}' as its activation ` +
          `'${activation.name}' is not supported: supported activations are ` +
          SUPPORTED_ACTIVATIONS.join(", "),
      );
  }
}

/** LeakyReLU with TF.js's `alpha` (default 0.3). */
export function addLeakyRelu(
  graph: GraphBuilder,
  state: FlowState,
  options: { alpha: number; layer: string },
): FlowState {
  const name = addNode(graph, {
    type: "LeakyRelu",
    inputs: [state.name],
    hint: `${options.layer}/leaky_relu`,
  }, { alpha: { float: options.alpha } });
  return { ...state, name };
}
