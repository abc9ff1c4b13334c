/**
 * An (adapted) ONNX graph as a TF.js layers model for the WASM path: one input layer per graph
 * input (the TF.js contract: `z [N, d]` or the sample, then `class` int32 `[N, 1]`) and one
 * {@linkcode OnnxGraph} layer holding the nodes (config) and the float initializers (weights).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import onnxProto from "onnx-proto";
import {
  type ConstTensor,
  OnnxGraph,
  type OnnxGraphSpec,
  type OpNode,
  SUPPORTED_OPS,
} from "../../backends/onnx_graph.ts";
import { GRAPH_NAMES } from "../../shared/model_files.ts";
import type { OnnxModel } from "./_byo_graph.ts";
import { fromFloat16Bits } from "../export/float16.ts";

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

const num = (v: unknown) => Number(v);

/** Reads element `i` of little-endian raw integer data of ONNX type `type`. */
function intReader(view: DataView, type: number): (i: number) => number {
  switch (type) {
    case T.INT32:
      return (i) => view.getInt32(4 * i, true);
    case T.INT16:
      return (i) => view.getInt16(2 * i, true);
    case T.UINT16:
      return (i) => view.getUint16(2 * i, true);
    case T.INT8:
      return (i) => view.getInt8(i);
    default: // UINT8, BOOL
      return (i) => view.getUint8(i);
  }
}

/** Bytes per element of the raw data of the ONNX types read here. */
const BYTES: Record<number, number> = {
  [T.FLOAT]: 4,
  [T.DOUBLE]: 8,
  [T.INT64]: 8,
  [T.FLOAT16]: 2,
  [T.INT32]: 4,
  [T.INT16]: 2,
  [T.UINT16]: 2,
  [T.INT8]: 1,
  [T.UINT8]: 1,
  [T.BOOL]: 1,
};

/** The TensorProto field holding typed (not raw) values; the others use `int32_data`. */
const TYPED_FIELD: Record<number, keyof onnxProto.onnx.ITensorProto> = {
  [T.FLOAT]: "floatData",
  [T.DOUBLE]: "doubleData",
  [T.INT64]: "int64Data",
};

/** Throws unless the tensor holds exactly `count` values (raw) or at least `count` (typed). */
function checkLength(
  t: onnxProto.onnx.ITensorProto,
  options: { file: string; type: number; count: number; rawBytes?: number },
): void {
  const { file, type, count, rawBytes } = options;
  if (!(type in BYTES)) return; // refused by the caller
  const field = TYPED_FIELD[type] ?? "int32Data";
  const typed = (t[field] as ArrayLike<unknown> | null | undefined)?.length ?? 0;
  const want = rawBytes !== undefined ? count * BYTES[type] : count;
  if (rawBytes !== undefined ? rawBytes === want : typed >= want) return;
  const unit = rawBytes !== undefined ? "bytes" : "values";
  throw new RangeError(
    `Cannot convert '${file}' for the WASM path as its tensor '${t.name}' holds ` +
      `${rawBytes ?? typed} ${unit}: expected ${want} ${unit} for its shape ` +
      `[${(t.dims ?? []).map(num).join(", ")}] (external data is not read)`,
  );
}

/** The values of a TensorProto as numbers, and whether they are integers. */
function tensorValues(t: onnxProto.onnx.ITensorProto, file: string): ConstTensor {
  const shape = (t.dims ?? []).map(num);
  const type = t.dataType ?? T.FLOAT;
  const raw = t.rawData && t.rawData.length ? t.rawData : undefined;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  const count = shape.reduce((a, b) => a * b, 1);
  checkLength(t, { file, type, count, rawBytes: raw?.byteLength });
  const values: number[] = [];
  switch (type) {
    case T.FLOAT:
      for (let i = 0; i < count; i++) {
        values.push(view ? view.getFloat32(4 * i, true) : t.floatData![i]);
      }
      return { shape, values, int: false };
    case T.DOUBLE:
      for (let i = 0; i < count; i++) {
        values.push(view ? view.getFloat64(8 * i, true) : t.doubleData![i]);
      }
      return { shape, values, int: false };
    case T.INT64:
      for (let i = 0; i < count; i++) {
        values.push(view ? Number(view.getBigInt64(8 * i, true)) : num(t.int64Data![i]));
      }
      return { shape, values, int: true };
    case T.FLOAT16:
      // Half-precision weights cast up to float32 in the graph (as `--precision float16`
      // stores them): raw bytes, or the 16 bits in the low half of each int32_data entry.
      // Exact in float32.
      for (let i = 0; i < count; i++) {
        values.push(fromFloat16Bits(view ? view.getUint16(2 * i, true) : t.int32Data![i]));
      }
      return { shape, values, int: false };
    case T.INT32:
    case T.INT16:
    case T.UINT16:
    case T.INT8:
    case T.UINT8:
    case T.BOOL: {
      const read = view ? intReader(view, type) : (i: number) => t.int32Data![i];
      for (let i = 0; i < count; i++) values.push(read(i));
      return { shape, values, int: true };
    }
    default:
      throw new RangeError(
        `Cannot convert '${file}' for the WASM path as its tensor '${t.name}' has ONNX data ` +
          `type ${type}: expected float, float16, double, int8, int16, int32, int64, uint8, uint16 or bool`,
      );
  }
}

function attrsOf(n: onnxProto.onnx.INodeProto, file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of n.attribute ?? []) {
    const name = a.name!;
    switch (a.type) {
      case A.FLOAT:
        out[name] = a.f;
        break;
      case A.INT:
        out[name] = num(a.i);
        break;
      case A.STRING:
        out[name] = new TextDecoder().decode(a.s ?? new Uint8Array());
        break;
      case A.FLOATS:
        out[name] = [...(a.floats ?? [])];
        break;
      case A.INTS:
        out[name] = (a.ints ?? []).map(num);
        break;
      case A.TENSOR:
        out[name] = tensorValues(a.t!, file);
        break;
      default:
        throw new RangeError(
          `Cannot convert '${file}' for the WASM path as its '${n.opType}' node has a ` +
            `${onnx.AttributeProto.AttributeType[a.type ?? 0]} attribute '${name}'`,
        );
    }
  }
  return out;
}

/** The ops of `model` the WASM path cannot run (empty when it runs them all). */
export function unsupportedOps(model: OnnxModel): string[] {
  const ops = new Set((model.graph!.node ?? []).map((n) => n.opType!));
  return [...ops].filter((op) => !SUPPORTED_OPS.includes(op)).sort();
}

/** The layer config and float weights of a graph. */
export function graphSpec(
  model: OnnxModel,
  options: { file: string; outputShape: number[] },
): { spec: OnnxGraphSpec; weights: tf.Tensor[] } {
  const graph = model.graph!;
  const missing = unsupportedOps(model);
  if (missing.length) {
    throw new RangeError(
      `Cannot import '${options.file}' as it uses the ONNX op${missing.length > 1 ? "s" : ""} ` +
        `${missing.map((o) => `'${o}'`).join(", ")}, which the WASM path cannot run: supported ` +
        `ops are ${SUPPORTED_OPS.join(", ")}`,
    );
  }
  const initNames = new Set((graph.initializer ?? []).map((t) => t.name!));
  const inputs = (graph.input ?? []).map((v) => v.name!).filter((n) => !initNames.has(n));
  const weights: OnnxGraphSpec["weights"] = [], constants: OnnxGraphSpec["constants"] = [];
  const tensors: tf.Tensor[] = [];
  for (const t of graph.initializer ?? []) {
    const c = tensorValues(t, options.file);
    if (c.int) constants.push({ name: t.name!, tensor: c });
    else {
      weights.push({ name: t.name!, shape: c.shape });
      tensors.push(tf.tensor(c.values, c.shape, "float32"));
    }
  }
  const nodes: OpNode[] = (graph.node ?? []).map((n) => ({
    op: n.opType!,
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attrs: attrsOf(n, options.file),
  }));
  return {
    spec: {
      inputs,
      output: graph.output![0].name!,
      nodes,
      weights,
      constants,
      outputShape: options.outputShape,
      classInputs: inputs.filter((n) => n === GRAPH_NAMES.label),
    },
    weights: tensors,
  };
}

/** A TF.js layers model running `model`: inputs `[main [N, ...mainShape]]` (+ `class [N, 1]`). */
export function tfjsModelOf(
  model: OnnxModel,
  options: { file: string; name: string; mainShape: number[]; outputShape: number[] },
): tf.LayersModel {
  const { spec, weights } = graphSpec(model, options);
  const inputs = spec.inputs.map((name) =>
    name === GRAPH_NAMES.label
      ? tf.input({ shape: [1], dtype: "int32", name: `${options.name}_class` })
      : tf.input({ shape: options.mainShape, name: `${options.name}_${name}` })
  );
  const layer = new OnnxGraph({ name: `${options.name}_onnx`, graph: spec });
  const output = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor;
  const built = tf.model({ name: options.name, inputs, outputs: output });
  layer.setWeights(weights);
  tf.dispose(weights);
  return built;
}
