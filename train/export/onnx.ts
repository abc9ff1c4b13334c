/**
 * TF.js layers model -> ONNX (opset 13, float32, dynamic batch dimension), written with
 * `onnx-proto`. Tensors keep TF.js's NHWC meaning; convolutions run in NCHW with Transposes
 * only where the layout changes.
 *
 * @example
 * ```ts
 * const bytes = exportOnnx(generator, { inputName: "z", outputName: "x" });
 * await Deno.writeFile("models/grid25/generator.onnx", bytes);
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { type FlowState, toNhwc } from "./_onnx_activations.ts";
import { batchedValueInfo, createGraph, encodeModel, uniqueName } from "./_onnx_graph.ts";
import { convertLayer } from "./_onnx_layers.ts";

/** Options for {@linkcode exportOnnx}. */
export interface ExportOnnxOptions {
  /** Graph input name (`z` for a generator, `x` for a discriminator). */
  inputName: string;
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

/** The layers of a single-input, single-output chain, in order; throws for branching graphs. */
export function chainLayers(model: tf.LayersModel): tf.layers.Layer[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new RangeError(
      `Cannot export model '${model.name}' as only one input and one output are supported: ` +
        `got ${model.inputs.length} inputs and ${model.outputs.length} outputs`,
    );
  }
  const layers = model.layers;
  if (model instanceof tf.Sequential) return layers;
  let previous: tf.layers.Layer | undefined;
  for (const layer of layers) {
    if (previous) {
      const fed = layer.inboundNodes.some((node) =>
        node.inboundLayers.length === 1 && node.inboundLayers[0] === previous
      );
      if (!fed) {
        throw new RangeError(
          `Cannot export model '${model.name}' as layer '${layer.name}' is not fed by ` +
            `'${previous.name}' alone: only chains of layers are supported`,
        );
      }
    }
    previous = layer;
  }
  return layers;
}

/**
 * Converts a TF.js layers model to ONNX bytes (a ModelProto). Input `// [N, ...inShape]`,
 * output `// [N, ...outShape]` as TF.js defines them (NHWC for images). Throws naming the layer
 * class and name for any layer it cannot export.
 */
export function exportOnnx(model: tf.LayersModel, options: ExportOnnxOptions): Uint8Array {
  if (options.inputName === options.outputName) {
    throw new RangeError(
      `Cannot export model '${model.name}' as 'inputName' and 'outputName' must differ: ` +
        `both are '${options.inputName}'`,
    );
  }
  const inShape = staticShape(model.inputs[0].shape, `model '${model.name}' input`);
  const outShape = staticShape(model.outputs[0].shape, `model '${model.name}' output`);
  const graph = createGraph();
  uniqueName(graph, options.inputName);
  uniqueName(graph, options.outputName);
  let state: FlowState = { name: options.inputName, layout: "nhwc", shape: inShape };
  for (const layer of chainLayers(model)) state = convertLayer(graph, { layer, state });
  state = toNhwc(graph, state, { layer: "output" });
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
    inputs: [batchedValueInfo(options.inputName, inShape)],
    outputs: [batchedValueInfo(options.outputName, outShape)],
  }, { name: options.graphName ?? model.name, docString: options.docString });
}
