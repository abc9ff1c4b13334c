/**
 * TF.js layers model -> ONNX (opset 13, float32, dynamic batch dimension), written with
 * `onnx-proto`. Tensors keep TF.js's NHWC meaning; convolutions run in NCHW with Transposes
 * only where the layout changes. Sequential and functional models (several inputs, merges)
 * are supported; an int32 TF.js input of shape `[N, 1]` (a class index) becomes an int64
 * ONNX input of shape `[N]`.
 *
 * @example
 * ```ts
 * const bytes = exportOnnx(generator, { inputName: "z", outputName: "x" });
 * await Deno.writeFile("models/grid25/generator.onnx", bytes);
 * ```
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { type FlowState, toNhwc } from "./_onnx_activations.ts";
import {
  addInt64s,
  addNode,
  batchedValueInfo,
  createGraph,
  encodeModel,
  type GraphBuilder,
  uniqueName,
} from "./_onnx_graph.ts";
import { convertLayer } from "./_onnx_layers.ts";
import { walkModel } from "./_onnx_walk.ts";

/** Options for {@linkcode exportOnnx}. */
export interface ExportOnnxOptions {
  /**
   * Graph input names, one per model input in order (`z` for a generator, `x` for a
   * discriminator, then `class` for a conditional one); a string for a single input.
   */
  inputName: string | readonly string[];
  /** Graph output name (`x` for a generator, `logit` for a discriminator). */
  outputName: string;
  /** Graph name stored in the model. @default {model.name} */
  graphName?: string;
  /** Free text stored in the model. @default {""} */
  docString?: string;
}

function staticShape(shape: (number | null)[], what: string): number[] {
  return shape.slice(1).map((d) => {
    if (d === null) throw new RangeError(`Cannot export ${what} as a non-batch dim is dynamic`);
    return d;
  });
}

/** Graph input `name` for model input `input`: float as is, int32 `[N, 1]` as int64 `[N]`. */
function graphInput(
  graph: GraphBuilder,
  input: { name: string; tensor: tf.SymbolicTensor; model: string },
): { state: FlowState; info: ReturnType<typeof batchedValueInfo> } {
  const { name, tensor } = input;
  const shape = staticShape(tensor.shape, `model '${input.model}' input '${name}'`);
  if (tensor.dtype === "float32") {
    return {
      state: { name, layout: "nhwc", shape },
      info: batchedValueInfo(name, shape),
    };
  }
  if (tensor.dtype !== "int32" || shape.join(",") !== "1") {
    throw new RangeError(
      `Cannot export model '${input.model}' as its input '${name}' must be float32 or an ` +
        `int32 class index of shape [N, 1]: got ${tensor.dtype} [N, ${shape.join(", ")}]`,
    );
  }
  // [N] -> [N, 1]: the ONNX input is one index per sample, TF.js's is [N, 1].
  const axes = addInt64s(graph, { hint: `${name}/axes`, values: [1] });
  const column = addNode(graph, { type: "Unsqueeze", inputs: [name, axes], hint: `${name}/2d` });
  return {
    state: { name: column, layout: "nhwc", shape: [1], dtype: "int64" },
    info: batchedValueInfo(name, [], { dtype: "int64" }),
  };
}

/**
 * Converts a TF.js layers model to ONNX bytes (a ModelProto). Inputs `// [N, ...inShape]`,
 * output `// [N, ...outShape]` as TF.js defines them (NHWC for images; a class index input is
 * int64 `[N]`). Throws naming the layer class and name for any layer it cannot export.
 */
export function exportOnnx(model: tf.LayersModel, options: ExportOnnxOptions): Uint8Array {
  const names = typeof options.inputName === "string" ? [options.inputName] : options.inputName;
  if (names.length !== model.inputs.length) {
    throw new RangeError(
      `Cannot export model '${model.name}' as it has ${model.inputs.length} inputs: got ` +
        `${names.length} input names (${names.join(", ")})`,
    );
  }
  const all = [...names, options.outputName];
  if (new Set(all).size !== all.length) {
    throw new RangeError(
      `Cannot export model '${model.name}' as input and output names must all differ: ` +
        `got ${all.join(", ")}`,
    );
  }
  const outShape = staticShape(model.outputs[0].shape, `model '${model.name}' output`);
  const walk = walkModel(model);
  const graph = createGraph();
  all.forEach((name) => uniqueName(graph, name));
  const states = new Map<number, FlowState>();
  const inputs = names.map((name, i) => {
    const made = graphInput(graph, { name, tensor: model.inputs[i], model: model.name });
    states.set(walk.inputs[i], made.state);
    return made.info;
  });
  for (const call of walk.calls) {
    const flowing = call.inputs.map((id) => {
      const state = states.get(id);
      if (!state) throw new Error(`Cannot export layer '${call.layer.name}': input not computed`);
      return state;
    });
    states.set(call.output, convertLayer(graph, { layer: call.layer, state: flowing[0], flowing }));
  }
  const state = toNhwc(graph, states.get(walk.output)!, { layer: "output" });
  if (state.shape.join(",") !== outShape.join(",")) {
    throw new Error(
      `Cannot export model '${model.name}' as the exported output shape [N, ${state.shape}] ` +
        `differs from the model's [N, ${outShape}]`,
    );
  }
  const last = graph.nodes[graph.nodes.length - 1];
  if (last && last.output?.[0] === state.name) {
    last.output = [options.outputName];
  } else {
    graph.nodes.push({
      opType: "Identity",
      name: uniqueName(graph, "output/Identity"),
      input: [state.name],
      output: [options.outputName],
    });
  }
  return encodeModel(graph, {
    inputs,
    outputs: [batchedValueInfo(options.outputName, outShape)],
  }, { name: options.graphName ?? model.name, docString: options.docString });
}
