/**
 * Reading and renaming the inputs and outputs of an ONNX file trained elsewhere (private to
 * the bring-your-own-ONNX path), with `onnx-proto`.
 *
 * @module
 */

import onnxProto from "onnx-proto";
import type { GraphValue } from "../../backends/graph_check.ts";

const { onnx } = onnxProto;

/** A decoded ONNX model. */
export type OnnxModel = onnxProto.onnx.ModelProto;

type ValueInfo = onnxProto.onnx.IValueInfoProto & { name: string };

/** The decoded graph: protobufjs fills every repeated field and string (empty by default). */
interface DecodedGraph {
  node: { input: string[]; output: string[]; opType: string }[];
  input: ValueInfo[];
  output: ValueInfo[];
  valueInfo: ValueInfo[];
  initializer: { name: string }[];
}

function graphOf(model: OnnxModel): DecodedGraph {
  return model.graph as unknown as DecodedGraph;
}

/** Decodes ONNX bytes; throws naming the file when they are not a model (e.g. truncated). */
export function decodeOnnx(bytes: Uint8Array, file: string): OnnxModel {
  let model: OnnxModel;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new RangeError(
      `Cannot read '${file}' as it is not a valid ONNX model (truncated or corrupt, ` +
        `${bytes.byteLength} bytes): ${(error as Error).message}`,
    );
  }
  const graph = model.graph ? graphOf(model) : undefined;
  if (!graph || graph.node.length === 0 || graph.output.length === 0) {
    throw new RangeError(
      `Cannot read '${file}' as it holds no ONNX graph with nodes and outputs ` +
        `(truncated or not an ONNX model, ${bytes.byteLength} bytes)`,
    );
  }
  return model;
}

function valueOf(info: ValueInfo): GraphValue {
  const dims = info.type?.tensorType?.shape?.dim;
  return {
    name: info.name,
    shape: dims?.map((
      d,
    ) => (d.dimParam ? d.dimParam : d.dimValue != null ? Number(d.dimValue) : -1)),
  };
}

/** Graph inputs (initializers excluded) and outputs with their shapes. */
export function graphIo(model: OnnxModel): { inputs: GraphValue[]; outputs: GraphValue[] } {
  const graph = graphOf(model);
  const initializers = new Set(graph.initializer.map((t) => t.name));
  return {
    inputs: graph.input.filter((v) => !initializers.has(v.name)).map(valueOf),
    outputs: graph.output.map(valueOf),
  };
}

/** Op type of the node producing graph value `name`, or undefined. */
export function producerOf(model: OnnxModel, name: string): string | undefined {
  return graphOf(model).node.find((n) => n.output.includes(name))?.opType ?? undefined;
}

/**
 * Renames graph values (`{ old: new }`) everywhere they appear: graph inputs and outputs,
 * node inputs and outputs, value infos. Throws when a new name is already taken.
 */
export function renameValues(
  model: OnnxModel,
  names: Record<string, string>,
  options: { file: string },
): void {
  const { file } = options;
  const graph = graphOf(model);
  const taken = new Set([
    ...graph.input.map((v) => v.name),
    ...graph.output.map((v) => v.name),
    ...graph.node.flatMap((n) => n.output),
    ...graph.initializer.map((t) => t.name),
  ]);
  for (const [from, to] of Object.entries(names)) {
    if (from !== to && taken.has(to)) {
      throw new RangeError(
        `Cannot rename '${from}' to '${to}' in '${file}' as '${to}' already names a value`,
      );
    }
  }
  const map = (name: string) => names[name] ?? name;
  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) v.name = map(v.name);
  for (const node of graph.node) {
    node.input = node.input.map(map);
    node.output = node.output.map(map);
  }
}

/** Encodes a (renamed) model back to bytes. */
export function encodeOnnx(model: OnnxModel): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** The non-batch dims of a value when all are fixed positive sizes, else undefined. */
export function staticDims(value: GraphValue): number[] | undefined {
  const dims = value.shape?.slice(1);
  if (!dims || dims.some((d) => typeof d !== "number" || d <= 0)) return undefined;
  return dims as number[];
}
