/**
 * Half-precision storage for an ONNX graph's float weights, losslessly: every float32
 * initializer whose values are all exact half-precision numbers (a model rounded with
 * `roundModelToFloat16` has only such weights) is stored as float16 and turned back into the
 * same float32 tensor by a `Cast` node at the head of the graph. The file is about half the
 * size and a runtime computes exactly what it computed before (ONNX Runtime folds the casts
 * into float32 constants when the session opens).
 *
 * @example
 * ```ts
 * const smaller = halfPrecisionInitializers(await Deno.readFile("generator.onnx"));
 * ```
 *
 * @module
 */

import onnxProto from "onnx-proto";
import { float16Bits, fromFloat16Bits } from "./float16.ts";

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;

/** Initializers with fewer values stay float32 (a Cast costs more than it saves). */
const MIN_VALUES = 64;

/** What {@linkcode halfPrecisionInitializers} did. */
export interface HalfPrecisionResult {
  bytes: Uint8Array;
  /** Initializers now stored as float16. */
  converted: number;
  /** Float initializers left float32: too small, a graph input, or not exact in half precision. */
  kept: number;
}

function floatValues(tensor: onnxProto.onnx.ITensorProto): Float32Array {
  if (tensor.rawData && tensor.rawData.length > 0) {
    const raw = tensor.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Float32Array.from(
      { length: raw.byteLength / 4 },
      (_, i) => view.getFloat32(i * 4, true),
    );
  }
  return Float32Array.from(tensor.floatData ?? []);
}

function exactInHalf(values: Float32Array, bits: Uint16Array): boolean {
  for (let i = 0; i < values.length; i++) {
    if (!Object.is(fromFloat16Bits(bits[i]), values[i])) return false;
  }
  return true;
}

/**
 * Re-encodes an ONNX model with its exact-in-half float initializers stored as float16 plus a
 * Cast each; returns the bytes and how many initializers were converted.
 */
export function halfPrecisionInitializers(model: Uint8Array): HalfPrecisionResult {
  const proto = onnx.ModelProto.decode(model);
  const graph = proto.graph;
  if (!graph) throw new TypeError("Cannot convert the model as it has no graph");
  const initializers = graph.initializer ?? [], nodes = graph.node ?? [];
  const valueNames = (list?: onnxProto.onnx.IValueInfoProto[] | null) =>
    (list ?? []).map((v) => v.name ?? "");
  // An initializer also listed as a graph input (IR < 4) may be fed: it stays as it is.
  const inputs = new Set(valueNames(graph.input));
  const names = new Set<string>([
    ...initializers.map((t) => t.name ?? ""),
    ...nodes.flatMap((n) => [...(n.output ?? []), n.name ?? ""]),
    ...inputs,
    ...valueNames(graph.output),
    ...valueNames(graph.valueInfo),
  ]);
  const fresh = (base: string) => {
    let name = base, i = 1;
    while (names.has(name)) name = `${base}_${i++}`;
    names.add(name);
    return name;
  };
  const casts: onnxProto.onnx.INodeProto[] = [];
  let converted = 0, kept = 0;
  graph.initializer = initializers.map((tensor) => {
    if (tensor.dataType !== FLOAT) return tensor;
    const values = floatValues(tensor);
    const bits = float16Bits(values);
    if (values.length < MIN_VALUES || inputs.has(tensor.name ?? "") || !exactInHalf(values, bits)) {
      kept++;
      return tensor;
    }
    converted++;
    const name = tensor.name ?? "";
    const half = fresh(`${name}/float16`);
    casts.push({
      opType: "Cast",
      name: fresh(`${name}/Cast`),
      input: [half],
      output: [name],
      attribute: [{ name: "to", type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }],
    });
    const raw = new Uint8Array(bits.length * 2);
    const view = new DataView(raw.buffer);
    bits.forEach((b, i) => view.setUint16(i * 2, b, true));
    return onnx.TensorProto.create({
      name: half,
      dims: tensor.dims,
      dataType: FLOAT16,
      rawData: raw,
    });
  });
  // Nothing to do: the bytes as they were (a re-encoding could still differ from them).
  if (converted === 0) return { bytes: model, converted, kept };
  // Casts first: every consumer comes after its producer, as ONNX requires.
  graph.node = [...casts, ...nodes];
  return { bytes: onnx.ModelProto.encode(proto).finish(), converted, kept };
}
