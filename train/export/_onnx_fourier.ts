/**
 * ONNX converter for the `FourierFeatures` layer (`backends/fourier_features.ts`), private to
 * train/export/: concat(sin(x @ B), cos(x @ B)) as MatMul, Sin, Cos and Concat.
 *
 * @module
 */

import { type FlowState, toNhwc } from "./_onnx_activations.ts";
import { addFloats, addNode, type GraphBuilder } from "./_onnx_graph.ts";
import { layerConfig, type LayerStep, requireWeight } from "./_onnx_util.ts";

/** `// [N, in] -> [N, 2 * units]`. */
export function addFourierFeatures(graph: GraphBuilder, step: LayerStep): FlowState {
  const { layer } = step;
  const state = toNhwc(graph, step.state, { layer: layer.name });
  const units = layerConfig(layer).units as number;
  const inDim = state.shape[state.shape.length - 1];
  const kernel = addFloats(graph, `${layer.name}/kernel`, {
    values: requireWeight(layer, "kernel"), // [in, units]
    dims: [inDim, units],
  });
  const phase = addNode(graph, {
    type: "MatMul",
    inputs: [state.name, kernel],
    hint: `${layer.name}/phase`,
  });
  const sin = addNode(graph, { type: "Sin", inputs: [phase], hint: `${layer.name}/sin` });
  const cos = addNode(graph, { type: "Cos", inputs: [phase], hint: `${layer.name}/cos` });
  const name = addNode(graph, { type: "Concat", inputs: [sin, cos], hint: layer.name }, {
    axis: -1,
  });
  return { name, layout: "nhwc", shape: [...state.shape.slice(0, -1), 2 * units] };
}
