/**
 * Converters of the layers a conditional GAN adds (private to train/export/): Embedding
 * (Gather), the merges Add, Multiply, Concatenate and Dot, and nearest-neighbour UpSampling2D
 * (Resize).
 *
 * @module
 */

import { type FlowState, toNhwc } from "./_onnx_activations.ts";
import { addFloats, addInt64s, addNode, type GraphBuilder } from "./_onnx_graph.ts";
import { layerConfig, type LayerStep, requireWeight } from "./_onnx_util.ts";

function where(step: LayerStep): string {
  return `'${step.layer.getClassName()}' layer '${step.layer.name}'`;
}

/** Embedding: `Gather(embeddings [V, E], class [N, 1])` -> `// [N, 1, E]`. */
export function addEmbedding(graph: GraphBuilder, step: LayerStep): FlowState {
  const { layer, state } = step;
  if (state.dtype !== "int64" || state.shape.join(",") !== "1") {
    throw new RangeError(
      `Cannot export ${where(step)} as only an int32 class input of shape [N, 1] is ` +
        `supported: got ${state.dtype ?? "float"} [N, ${state.shape.join(", ")}]`,
    );
  }
  const config = layerConfig(layer);
  const [vocab, dim] = [config.inputDim as number, config.outputDim as number];
  const table = addFloats(graph, `${layer.name}/embeddings`, {
    values: requireWeight(layer, "embeddings"), // [V, E]
    dims: [vocab, dim],
  });
  const name = addNode(graph, { type: "Gather", inputs: [table, state.name], hint: layer.name }, {
    axis: 0,
  });
  return { name, layout: "nhwc", shape: [1, dim] };
}

/** The inputs in one layout: kept when they share one, NHWC otherwise. */
function sameLayout(graph: GraphBuilder, step: LayerStep): FlowState[] {
  const flowing = step.flowing ?? [step.state];
  if (flowing.every((s) => s.layout === flowing[0].layout)) return flowing;
  return flowing.map((s) => toNhwc(graph, s, { layer: step.layer.name }));
}

function requireSameShapes(step: LayerStep, flowing: FlowState[]): void {
  const shapes = flowing.map((s) => `[N, ${s.shape.join(", ")}]`);
  if (new Set(shapes).size !== 1) {
    throw new RangeError(
      `Cannot export ${where(step)} as its inputs must have one shape: got ${shapes.join(", ")}`,
    );
  }
}

/** Add (ONNX Sum) and Multiply (a chain of Mul) of same-shaped inputs. */
export function addElementwise(graph: GraphBuilder, step: LayerStep): FlowState {
  const flowing = sameLayout(graph, step);
  requireSameShapes(step, flowing);
  const hint = step.layer.name;
  if (step.layer.getClassName() === "Add") {
    const name = addNode(graph, { type: "Sum", inputs: flowing.map((s) => s.name), hint });
    return { ...flowing[0], name };
  }
  let name = flowing[0].name;
  for (const next of flowing.slice(1)) {
    name = addNode(graph, { type: "Mul", inputs: [name, next.name], hint });
  }
  return { ...flowing[0], name };
}

/** NHWC axis (with batch) -> NCHW axis. */
const NCHW_AXIS = [0, 2, 3, 1];

/** Concatenate along the layer's axis (the channel axis stays NCHW between convs). */
export function addConcatenate(graph: GraphBuilder, step: LayerStep): FlowState {
  const flowing = sameLayout(graph, step);
  const rank = flowing[0].shape.length + 1;
  const raw = (layerConfig(step.layer).axis as number | undefined) ?? -1;
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 1 || axis >= rank) {
    throw new RangeError(
      `Cannot export ${where(step)} as it concatenates along axis ${raw} of rank-${rank} inputs`,
    );
  }
  const shape = [...flowing[0].shape];
  shape[axis - 1] = flowing.reduce((sum, s) => sum + s.shape[axis - 1], 0);
  const onnxAxis = flowing[0].layout === "nchw" ? NCHW_AXIS[axis] : axis;
  const name = addNode(graph, {
    type: "Concat",
    inputs: flowing.map((s) => s.name),
    hint: step.layer.name,
  }, { axis: onnxAxis });
  return { ...flowing[0], name, shape };
}

/** Dot of two `[N, D]` inputs along D: `Mul` then `ReduceSum` -> `// [N, 1]`. */
export function addDot(graph: GraphBuilder, step: LayerStep): FlowState {
  const flowing = sameLayout(graph, step);
  const config = layerConfig(step.layer);
  const axes = ([] as number[]).concat(config.axes as number | number[]);
  const rankTwo = flowing.length === 2 && flowing.every((s) => s.shape.length === 1);
  if (!rankTwo || axes.some((a) => a !== 1 && a !== -1) || config.normalize) {
    throw new RangeError(
      `Cannot export ${where(step)} as only the un-normalized dot of two [N, D] inputs along ` +
        `axis 1 is supported: got axes [${axes}] on ` +
        flowing.map((s) => `[N, ${s.shape.join(", ")}]`).join(", "),
    );
  }
  requireSameShapes(step, flowing);
  const hint = step.layer.name;
  const product = addNode(graph, {
    type: "Mul",
    inputs: flowing.map((s) => s.name),
    hint: `${hint}/mul`,
  });
  const reduceAxes = addInt64s(graph, { hint: `${hint}/axes`, values: [1] });
  const name = addNode(graph, { type: "ReduceSum", inputs: [product, reduceAxes], hint }, {
    keepdims: 1,
  });
  return { name, layout: "nhwc", shape: [1] };
}

/** Nearest-neighbour UpSampling2D as Resize (TF.js picks source pixel floor(i / size)). */
export function addUpSampling2d(graph: GraphBuilder, step: LayerStep): FlowState {
  const { layer, state } = step;
  const config = layerConfig(layer);
  const size = ([] as number[]).concat(config.size as number | number[]);
  const [sh, sw] = size.length === 1 ? [size[0], size[0]] : size;
  if ((config.interpolation ?? "nearest") !== "nearest") {
    throw new RangeError(
      `Cannot export ${where(step)} as only 'nearest' interpolation is supported: got ` +
        `'${config.interpolation}'`,
    );
  }
  if ((config.dataFormat ?? "channelsLast") !== "channelsLast" || state.shape.length !== 3) {
    throw new RangeError(
      `Cannot export ${where(step)} as only channelsLast [N, H, W, C] inputs are supported`,
    );
  }
  const scales = addFloats(graph, `${layer.name}/scales`, {
    values: Float32Array.from(state.layout === "nchw" ? [1, 1, sh, sw] : [1, sh, sw, 1]),
    dims: [4],
  });
  const name = addNode(graph, {
    type: "Resize",
    inputs: [state.name, "", scales],
    hint: layer.name,
  }, {
    mode: { string: "nearest" },
    coordinate_transformation_mode: { string: "asymmetric" },
    nearest_mode: { string: "floor" },
  });
  const [h, w, c] = state.shape;
  return { ...state, name, shape: [h * sh, w * sw, c] };
}
