/**
 * A small ONNX graph builder over `onnx-proto` (private to train/export/): nodes, float32 and
 * int64 initializers, unique names, and the ModelProto encoding.
 *
 * @module
 */

import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** ONNX opset this exporter targets. */
export const OPSET = 13;

/** One ONNX attribute value: int, int list, float, float list or string. */
export type AttributeValue =
  | number
  | number[]
  | { float: number }
  | { floats: number[] }
  | { string: string };

/** Accumulates the nodes and initializers of one graph. */
export interface GraphBuilder {
  nodes: onnxProto.onnx.INodeProto[];
  initializers: onnxProto.onnx.ITensorProto[];
  used: Set<string>;
}

/** A fresh builder. */
export function createGraph(): GraphBuilder {
  return { nodes: [], initializers: [], used: new Set() };
}

/** A name not used yet in the graph, derived from `base`. */
export function uniqueName(graph: GraphBuilder, base: string): string {
  const clean = base.replace(/[^A-Za-z0-9_./-]/g, "_");
  let name = clean, i = 1;
  while (graph.used.has(name)) name = `${clean}_${i++}`;
  graph.used.add(name);
  return name;
}

function toAttribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const types = onnx.AttributeProto.AttributeType;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) {
      throw new TypeError(`Cannot encode attribute '${name}' as int: ${value} is not an integer`);
    }
    return { name, type: types.INT, i: value };
  }
  if (Array.isArray(value)) return { name, type: types.INTS, ints: value };
  if ("float" in value) return { name, type: types.FLOAT, f: value.float };
  if ("string" in value) {
    return { name, type: types.STRING, s: new TextEncoder().encode(value.string) };
  }
  return { name, type: types.FLOATS, floats: value.floats };
}

/**
 * Appends a node and returns its output name (derived from `hint`).
 * Attributes given as plain numbers / arrays are ints; wrap floats as `{ float }`.
 */
export function addNode(
  graph: GraphBuilder,
  op: { type: string; inputs: string[]; hint: string },
  attributes: Record<string, AttributeValue> = {},
): string {
  const output = uniqueName(graph, op.hint);
  graph.nodes.push({
    opType: op.type,
    name: uniqueName(graph, `${op.hint}/${op.type}`),
    input: op.inputs,
    output: [output],
    attribute: Object.entries(attributes).map(([k, v]) => toAttribute(k, v)),
  });
  return output;
}

/** Adds a float32 initializer `// [...dims]` and returns its name. */
export function addFloats(
  graph: GraphBuilder,
  hint: string,
  data: { values: Float32Array; dims: number[] },
): string {
  const size = data.dims.reduce((a, b) => a * b, 1);
  if (size !== data.values.length) {
    throw new RangeError(
      `Cannot add initializer '${hint}' as its dims [${data.dims}] hold ${size} values: ` +
        `got ${data.values.length}`,
    );
  }
  const name = uniqueName(graph, hint);
  const bytes = new Uint8Array(data.values.byteLength);
  const view = new DataView(bytes.buffer);
  data.values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  graph.initializers.push({
    name,
    dims: data.dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: bytes,
  });
  return name;
}

/** Adds a 1-D int64 initializer (shapes, axes) and returns its name. */
export function addInt64s(graph: GraphBuilder, data: { hint: string; values: number[] }): string {
  const { hint, values } = data;
  const name = uniqueName(graph, hint);
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  graph.initializers.push({
    name,
    dims: [values.length],
    dataType: onnx.TensorProto.DataType.INT64,
    rawData: bytes,
  });
  return name;
}

/** Options for {@linkcode batchedValueInfo}. */
export interface ValueInfoOptions {
  /** Element type. @default {"float"} */
  dtype?: "float" | "int64";
}

/** A tensor value info with a symbolic batch dimension `N`: `// [N, ...shape]`. */
export function batchedValueInfo(
  name: string,
  shape: readonly number[],
  options: ValueInfoOptions = {},
): onnxProto.onnx.IValueInfoProto {
  const types = onnx.TensorProto.DataType;
  const dtype = options.dtype ?? "float";
  return {
    name,
    type: {
      tensorType: {
        elemType: dtype === "int64" ? types.INT64 : types.FLOAT,
        shape: { dim: [{ dimParam: "N" }, ...shape.map((d) => ({ dimValue: d }))] },
      },
    },
  };
}

/** Options for {@linkcode encodeModel}. */
export interface EncodeModelOptions {
  /** Graph name. @default {"graph"} */
  name?: string;
  /** Free text stored in the model. @default {""} */
  docString?: string;
}

/** Encodes the graph as an ONNX ModelProto (IR 7, opset {@linkcode OPSET}). */
export function encodeModel(
  graph: GraphBuilder,
  io: { inputs: onnxProto.onnx.IValueInfoProto[]; outputs: onnxProto.onnx.IValueInfoProto[] },
  options: EncodeModelOptions = {},
): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: "drs-edge",
    producerVersion: "1",
    docString: options.docString ?? "",
    opsetImport: [{ domain: "", version: OPSET }],
    graph: {
      name: options.name ?? "graph",
      node: graph.nodes,
      initializer: graph.initializers,
      input: io.inputs,
      output: io.outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
