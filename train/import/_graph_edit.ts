/**
 * Small edits of a decoded ONNX graph for the importer (private to train/import/): new
 * initializers, value infos and nodes, replacing an input by one that feeds adapter nodes,
 * renaming a value everywhere, and pruning what the outputs do not need.
 *
 * @module
 */

import onnxProto from "onnx-proto";
import type { OnnxModel } from "./_byo_graph.ts";

const { onnx } = onnxProto;
export const T = onnx.TensorProto.DataType;

export type Node = onnxProto.onnx.INodeProto & {
  input: string[];
  output: string[];
  opType: string;
};
export type Graph = {
  node: Node[];
  input: onnxProto.onnx.IValueInfoProto[];
  output: onnxProto.onnx.IValueInfoProto[];
  valueInfo: onnxProto.onnx.IValueInfoProto[];
  initializer: onnxProto.onnx.ITensorProto[];
};

/** How a graph takes the class. */
/** The graph of a decoded model, its repeated fields filled. */
export const graphOf = (model: OnnxModel) => model.graph as unknown as Graph;

export function int64Tensor(name: string, values: number[]): onnxProto.onnx.ITensorProto {
  const raw = new BigInt64Array(values.map(BigInt));
  return { name, dataType: T.INT64, dims: [values.length], rawData: new Uint8Array(raw.buffer) };
}

export function floatTensor(name: string, values: number[]): onnxProto.onnx.ITensorProto {
  const raw = new Float32Array(values);
  return { name, dataType: T.FLOAT, dims: [values.length], rawData: new Uint8Array(raw.buffer) };
}

export function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

/** Replaces graph input `old` by a new input `info` feeding `nodes` (whose last output is `old`). */
export function replaceInput(
  graph: Graph,
  old: string,
  info: onnxProto.onnx.IValueInfoProto,
  added: { nodes: Node[]; initializers: onnxProto.onnx.ITensorProto[] },
): void {
  graph.input = graph.input.map((v) => (v.name === old ? info : v));
  graph.node.unshift(...added.nodes);
  graph.initializer.push(...added.initializers);
}

export function castTo(from: string, to: string, type: number): Node {
  return node("Cast", [from], [to], [{ name: "to", i: type }]);
}

export function node(
  opType: string,
  input: string[],
  output: string[],
  attribute: { name: string; i?: number; f?: number }[] = [],
): Node {
  return {
    opType,
    input,
    output,
    name: `adapt/${opType}/${output[0]}`,
    attribute: attribute.map((a) => ({
      ...a,
      type: a.f !== undefined
        ? onnx.AttributeProto.AttributeType.FLOAT
        : onnx.AttributeProto.AttributeType.INT,
    })),
  } as Node;
}

/** Renames value `from` to `to` everywhere in the graph. */
export function rename(graph: Graph, from: string, to: string): void {
  if (from === to) return;
  const taken = new Set([
    ...graph.input.map((v) => v.name!),
    ...graph.node.flatMap((n) => n.output),
    ...graph.initializer.map((t) => t.name!),
  ]);
  if (taken.has(to)) {
    throw new RangeError(`Cannot rename '${from}' to '${to}' as '${to}' already names a value`);
  }
  const map = (name: string) => (name === from ? to : name);
  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) v.name = map(v.name!);
  for (const n of graph.node) {
    n.input = n.input.map(map);
    n.output = n.output.map(map);
  }
}

/** Keeps only the nodes and initializers the outputs need. */
export function prune(graph: Graph): void {
  const needed = new Set(graph.output.map((v) => v.name!));
  const kept: Node[] = [];
  for (const n of [...graph.node].reverse()) {
    if (!n.output.some((o) => needed.has(o))) continue;
    kept.push(n);
    for (const i of n.input) needed.add(i);
    for (const g of n.attribute ?? []) {
      if (g.g) {
        for (const i of g.g.node ?? []) i.input?.forEach((x) => needed.add(x));
      }
    }
  }
  graph.node = kept.reverse();
  graph.initializer = graph.initializer.filter((t) => needed.has(t.name!));
  graph.valueInfo = [];
}
