/**
 * ONNX converter for the `FourierFeatures` layer (`backends/fourier_features.ts`), private to
 * train/export/: concat(sin(x @ B), cos(x @ B)) as Gather, Mul, Add, Sin, Cos and Concat.
 *
 * @module
 */

import { type FlowState, toNhwc } from "./_onnx_activations.ts";
import { addFloats, addInt64s, addNode, type GraphBuilder } from "./_onnx_graph.ts";
import { layerConfig, type LayerStep, requireWeight } from "./_onnx_util.ts";

/**
 * `// [N, in] -> [N, 2 * units]`. The phase x @ B is written as the layer computes it
 * (`fourierPhase`): per input dimension d, Gather column d, Mul by row d of B, Add in order,
 * so ONNX Runtime rounds each step as TF.js does (no fused multiply-add in a MatMul).
 */
export function addFourierFeatures(graph: GraphBuilder, step: LayerStep): FlowState {
  const { layer } = step;
  const state = toNhwc(graph, step.state, { layer: layer.name });
  const units = layerConfig(layer).units as number;
  const inDim = state.shape[state.shape.length - 1];
  const kernel = requireWeight(layer, "kernel"); // [in, units]
  let phase = "";
  for (let d = 0; d < inDim; d++) {
    const index = addInt64s(graph, { hint: `${layer.name}/column${d}`, values: [d] });
    const column = addNode(graph, {
      type: "Gather",
      inputs: [state.name, index],
      hint: `${layer.name}/x${d}`,
    }, { axis: -1 }); // [N, 1]
    const row = addFloats(graph, `${layer.name}/kernel${d}`, {
      values: kernel.subarray(d * units, (d + 1) * units),
      dims: [1, units],
    });
    const term = addNode(graph, {
      type: "Mul",
      inputs: [column, row],
      hint: `${layer.name}/term${d}`,
    }); // [N, units]
    phase = d === 0
      ? term
      : addNode(graph, { type: "Add", inputs: [phase, term], hint: `${layer.name}/phase${d}` });
  }
  const sin = addNode(graph, { type: "Sin", inputs: [phase], hint: `${layer.name}/sin` });
  const cos = addNode(graph, { type: "Cos", inputs: [phase], hint: `${layer.name}/cos` });
  const name = addNode(graph, { type: "Concat", inputs: [sin, cos], hint: layer.name }, {
    axis: -1,
  });
  return { name, layout: "nhwc", shape: [...state.shape.slice(0, -1), 2 * units] };
}
