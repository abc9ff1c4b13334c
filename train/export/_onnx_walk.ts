/**
 * The layer calls of a TF.js layers model in an order where every input is computed before
 * it is used (private to train/export/): a Sequential model's layers in order, a functional
 * model's nodes by decreasing depth (as TF.js itself executes them).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** One layer call: the layer, the ids of the tensors it reads and of the tensor it writes. */
export interface LayerCall {
  layer: tf.layers.Layer;
  inputs: number[];
  output: number;
}

/** The calls of `model` plus the tensor ids of its inputs and its output. */
export interface ModelWalk {
  inputs: number[];
  output: number;
  calls: LayerCall[];
}

/** Internals of a functional model (tfjs-layers `Container`) the walk reads. */
interface NodeLike {
  outboundLayer: tf.layers.Layer;
  inputTensors: { id: number }[];
  outputTensors: { id: number }[];
}

function sequentialWalk(model: tf.Sequential): ModelWalk {
  // Ids only need to be unique within the walk: the input is 0, layer k writes k + 1.
  const calls = model.layers.map((layer, k) => ({ layer, inputs: [k], output: k + 1 }));
  return { inputs: [0], output: model.layers.length, calls };
}

/** Walks `model`; throws for several outputs or a layer called with several outputs. */
export function walkModel(model: tf.LayersModel): ModelWalk {
  if (model.outputs.length !== 1) {
    throw new RangeError(
      `Cannot export model '${model.name}' as only one output is supported: got ` +
        `${model.outputs.length} outputs`,
    );
  }
  if (model instanceof tf.Sequential) return sequentialWalk(model);
  const byDepth = (model as unknown as { nodesByDepth: Record<string, NodeLike[]> }).nodesByDepth;
  const depths = Object.keys(byDepth).map(Number).sort((a, b) => b - a);
  const calls: LayerCall[] = [];
  for (const depth of depths) {
    for (const node of byDepth[depth]) {
      const layer = node.outboundLayer;
      if (layer.getClassName() === "InputLayer") continue;
      if (node.outputTensors.length !== 1) {
        throw new RangeError(
          `Cannot export layer '${layer.name}' as it has ${node.outputTensors.length} outputs`,
        );
      }
      calls.push({
        layer,
        inputs: node.inputTensors.map((t) => t.id),
        output: node.outputTensors[0].id,
      });
    }
  }
  return {
    inputs: model.inputs.map((t) => t.id),
    output: model.outputs[0].id,
    calls,
  };
}
