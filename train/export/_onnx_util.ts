/**
 * Reading TF.js layer configs, weights and shapes for the ONNX exporter (private).
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { FlowState } from "./_onnx_activations.ts";

/** One conversion step: the layer and the tensor flowing into it. */
export interface LayerStep {
  layer: tf.layers.Layer;
  /** The (first) input. */
  state: FlowState;
  /** Every input, in order, for layers with several (merges). @default {[state]} */
  flowing?: FlowState[];
}

/** The layer's serialized config. */
export function layerConfig(layer: tf.layers.Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

/** A weight of `layer` by its short name (`kernel`, `bias`, `gamma`, ...), or undefined. */
export function layerWeight(layer: tf.layers.Layer, short: string): Float32Array | undefined {
  const variable = layer.weights.find((w) => w.originalName.split("/").pop() === short);
  if (!variable) return undefined;
  return Float32Array.from(variable.read().dataSync() as Float32Array);
}

/** Like {@linkcode layerWeight} but throws when the weight is missing. */
export function requireWeight(layer: tf.layers.Layer, short: string): Float32Array {
  const w = layerWeight(layer, short);
  if (!w) {
    throw new Error(
      `Cannot export '${layer.getClassName()}' layer '${layer.name}' as it has no '${short}' weight`,
    );
  }
  return w;
}

/** Logical output shape of a layer without the batch dimension. */
export function outputShapeOf(layer: tf.layers.Layer): number[] {
  const shape = layer.outputShape as (number | null)[];
  if (Array.isArray(shape[0])) {
    throw new Error(`Cannot export layer '${layer.name}' as it has several outputs`);
  }
  return shape.slice(1).map((d) => {
    if (d === null) throw new Error(`Cannot export layer '${layer.name}' as its shape is dynamic`);
    return d;
  });
}
