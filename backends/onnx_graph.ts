/**
 * `OnnxGraph`: a TF.js layer that runs an ONNX graph with TF.js ops (`_onnx_ops.ts`), so a G/D
 * pair imported from PyTorch as ONNX also runs on the WASM backend (Deno Deploy's fallback,
 * Cloudflare Workers) as a TF.js layers model: `train/import/` writes `tfjs/generator` and
 * `tfjs/discriminator` as one input layer per graph input and this layer, its float
 * initializers as the layer's weights and its nodes in the config.
 *
 * The layer takes the TF.js contract (`z [N, d]`, `class` int32 `[N, 1]`) and feeds the graph
 * the ONNX contract (`class` int64 `[N]`, here int32). A saved model holding it loads after
 * {@linkcode registerOnnxGraph} has run (TF.js looks custom classes up by name).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { type ConstTensor, type OpNode, runOp } from "./_onnx_ops.ts";

export type { ConstTensor, OpNode } from "./_onnx_ops.ts";
export { SUPPORTED_OPS } from "./_onnx_ops.ts";

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** An ONNX graph as the layer's config holds it. */
export interface OnnxGraphSpec {
  /** Graph input names, in the layer's input order (the main input, then `class`). */
  inputs: string[];
  /** The graph output the layer returns. */
  output: string;
  nodes: OpNode[];
  /** Float initializers, in the order of the layer's weights. */
  weights: { name: string; shape: number[] }[];
  /** Integer initializers (shape constants, indices): small, kept in the config. */
  constants: { name: string; tensor: ConstTensor }[];
  /** Output shape without the batch dim. */
  outputShape: number[];
  /** Graph inputs that take the class: fed as int `[N]` from the layer's `[N, 1]`. */
  classInputs: string[];
}

/** Options of {@linkcode OnnxGraph}. */
export interface OnnxGraphArgs extends LayerArgs {
  /** The graph; or, as the serialized config holds it, `graphHex`. */
  graph?: OnnxGraphSpec;
  /**
   * The graph's JSON as lowercase hex: TF.js rewrites every string and key of a layer config
   * between camelCase and snake_case on save and load ('Gemm' would come back 'gemm'); hex
   * digits pass through both unchanged.
   */
  graphHex?: string;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function toHex(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => HEX[b]).join("");
}

function fromHex(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return new TextDecoder().decode(bytes);
}

/** Runs an ONNX graph on TF.js tensors. */
export class OnnxGraph extends tf.layers.Layer {
  /** The name TF.js serializes and looks up. */
  static className = "OnnxGraph";
  readonly graph: OnnxGraphSpec;
  private vars: tf.LayerVariable[] = [];

  constructor(args: OnnxGraphArgs) {
    super(args);
    if (args.graph) this.graph = args.graph;
    else if (args.graphHex) this.graph = JSON.parse(fromHex(args.graphHex));
    else throw new RangeError("Cannot build OnnxGraph as it has neither 'graph' nor 'graphHex'");
  }

  override build(): void {
    // TF.js weight names allow no ':' (torch names such as 'onnx::Conv_46'): weights are w0, w1, ..
    this.vars = this.graph.weights.map((w, i) =>
      this.addWeight(`w${i}`, w.shape, "float32", tf.initializers.zeros(), undefined, false)
    );
    this.built = true;
  }

  override computeOutputShape(): tf.Shape {
    return [null, ...this.graph.outputShape];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const values = new Map<string, tf.Tensor>();
      this.graph.inputs.forEach((name, i) => {
        const t = list[i];
        values.set(
          name,
          this.graph.classInputs.includes(name) ? tf.reshape(tf.cast(t, "int32"), [-1]) : t,
        );
      });
      this.graph.weights.forEach((w, i) => values.set(w.name, this.vars[i].read()));
      for (const c of this.graph.constants) {
        values.set(
          c.name,
          tf.tensor(c.tensor.values, c.tensor.shape, c.tensor.int ? "int32" : "float32"),
        );
      }
      for (const node of this.graph.nodes) {
        const outs = runOp(
          node,
          node.inputs.map((name) => (name === "" ? undefined : values.get(name))),
        );
        node.outputs.forEach((name, k) => {
          if (outs[k]) values.set(name, outs[k]);
        });
      }
      const out = values.get(this.graph.output);
      if (!out) {
        throw new RangeError(`Cannot run the graph as no node makes '${this.graph.output}'`);
      }
      return tf.cast(out, "float32");
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), graphHex: toHex(JSON.stringify(this.graph)) };
  }
}

/** Makes saved models with an `OnnxGraph` layer loadable (idempotent). */
export function registerOnnxGraph(): void {
  tf.serialization.registerClass(OnnxGraph);
}
