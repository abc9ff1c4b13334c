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
  /** Element type: `int64` only for class indices (an int32 TF.js input). @default {"float"} */
  dtype?: "float" | "int64";
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
 * TF.js activations that are one ONNX operator with its default attributes (`hardSigmoid`:
 * TF.js's clip(0.2 x + 0.5, 0, 1) is ONNX's default alpha and beta).
 */
const UNARY_OPS: Record<string, string> = {
  relu: "Relu",
  tanh: "Tanh",
  sigmoid: "Sigmoid",
  softplus: "Softplus",
  softsign: "Softsign",
  selu: "Selu",
  elu: "Elu",
  hardSigmoid: "HardSigmoid",
};

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
  const op = Object.hasOwn(UNARY_OPS, activation.name) ? UNARY_OPS[activation.name] : undefined;
  if (op) return unary(graph, state, op, hint);
  switch (activation.name) {
    case "linear":
      return state;
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
