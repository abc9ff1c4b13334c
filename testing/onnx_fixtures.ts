/**
 * Tiny G/D pairs written directly as ONNX with onnx-proto (not through the exporter), plus
 * the same math in plain JS as an independent reference.
 *
 * @module
 */

import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** A dense layer's weights: `// w [in, out], b [out]`. */
export interface DenseWeights {
  w: Float32Array;
  b: Float32Array;
  in: number;
  out: number;
}

/** Deterministic weights in [-scale, scale] from a small LCG. */
export function denseWeights(
  dims: { in: number; out: number },
  options: { seed: number; scale?: number },
): DenseWeights {
  const scale = options.scale ?? 0.8;
  let s = options.seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296 * 2 - 1) * scale;
  };
  return {
    w: Float32Array.from({ length: dims.in * dims.out }, next),
    b: Float32Array.from({ length: dims.out }, next),
    ...dims,
  };
}

function floats(name: string, values: Float32Array, dims: number[]): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(values) };
}

function valueInfo(name: string, shape: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: {
          dim: shape.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  };
}

/** Options for {@linkcode mlpOnnx}. */
export interface MlpOnnxOptions {
  /** Input name. @default {"in"} */
  input?: string;
  /** Output name. @default {"out"} */
  output?: string;
  /** Declared input shape. @default {["N", layers[0].in]} */
  inputShape?: (number | string)[];
  /** Activation between layers. @default {"Relu"} */
  hidden?: string;
  /** Ops applied after the last layer, e.g. `["Tanh"]` or `["Sigmoid"]`. @default {[]} */
  head?: string[];
}

/** An MLP `// [N, in] -> [N, out]` as ONNX bytes: MatMul + Add per layer. */
export function mlpOnnx(layers: DenseWeights[], options: MlpOnnxOptions = {}): Uint8Array {
  const input = options.input ?? "in", output = options.output ?? "out";
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const inits: onnxProto.onnx.ITensorProto[] = [];
  let cur = input;
  const add = (opType: string, inputs: string[]) => {
    const out = `t${nodes.length}`;
    nodes.push({ opType, input: inputs, output: [out], name: `n${nodes.length}` });
    cur = out;
  };
  layers.forEach((l, i) => {
    inits.push(floats(`w${i}`, l.w, [l.in, l.out]), floats(`b${i}`, l.b, [l.out]));
    add("MatMul", [cur, `w${i}`]);
    add("Add", [cur, `b${i}`]);
    if (i < layers.length - 1) add(options.hidden ?? "Relu", [cur]);
  });
  for (const op of options.head ?? []) add(op, [cur]);
  nodes[nodes.length - 1].output = [output];
  const last = layers[layers.length - 1];
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: "", version: 13 }],
    producerName: "tests",
    graph: {
      name: "mlp",
      node: nodes,
      initializer: inits,
      input: [valueInfo(input, options.inputShape ?? ["N", layers[0].in])],
      output: [valueInfo(output, ["N", last.out])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** The same MLP in float64 JS: `// [n, in] -> [n, out]`. */
export function mlpReference(
  layers: DenseWeights[],
  x: Float32Array,
  options: { hidden?: (v: number) => number; head?: (v: number) => number } = {},
): Float64Array {
  const hidden = options.hidden ?? ((v: number) => Math.max(v, 0));
  let cur = Float64Array.from(x);
  layers.forEach((l, k) => {
    const n = cur.length / l.in;
    const next = new Float64Array(n * l.out);
    for (let r = 0; r < n; r++) {
      for (let o = 0; o < l.out; o++) {
        let sum = l.b[o];
        for (let i = 0; i < l.in; i++) sum += cur[r * l.in + i] * l.w[i * l.out + o];
        next[r * l.out + o] = k < layers.length - 1
          ? hidden(sum)
          : options.head
          ? options.head(sum)
          : sum;
      }
    }
    cur = next;
  });
  return cur;
}
