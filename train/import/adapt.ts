/**
 * Adapts an ONNX G/D pair exported elsewhere (usually `torch.onnx.export`) to the serving
 * contract: G `z [N, d] (+ class int64 [N]) -> x [N, ...sampleShape]`, D `x (+ class) ->
 * logit [N, 1]`. The adapters are ONNX nodes added to the graphs, so every runtime sees the same
 * contract:
 *
 * - a latent input `[N, d, 1, 1]` (the DCGAN convention) or any static non-batch shape: a
 *   `Reshape` from `z [N, d]`;
 * - a class input: an int64 index `[N]` is renamed, an int32 index gets a `Cast`, an index
 *   `[N, 1]` a `Reshape`, a one-hot float `[N, C]` a `OneHot`;
 * - D's output: the shape-only tail (`Reshape`, `Squeeze`, `Flatten`, the `If` that
 *   `.squeeze(1)` exports) is cut and replaced by one `Reshape` to `[N, 1]`; a `Sigmoid` before
 *   it is cut too, so its input, the logit, is what D returns.
 *
 * Roles come from the graphs (float vs integer inputs, which D input takes G's sample); names
 * given by the user decide where the graphs cannot tell.
 *
 * @module
 */

import onnxProto from "onnx-proto";
import type { GraphValue } from "../../backends/graph_check.ts";
import { GRAPH_NAMES } from "../../shared/model_files.ts";
import { graphIo, type OnnxModel } from "./_byo_graph.ts";

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;

type Node = onnxProto.onnx.INodeProto & { input: string[]; output: string[]; opType: string };
type Graph = {
  node: Node[];
  input: onnxProto.onnx.IValueInfoProto[];
  output: onnxProto.onnx.IValueInfoProto[];
  valueInfo: onnxProto.onnx.IValueInfoProto[];
  initializer: onnxProto.onnx.ITensorProto[];
};

/** How a graph takes the class. */
export type ClassInput = "index" | "index-int32" | "index-column" | "onehot";

/** What the user can tell that a graph cannot. */
export interface AdaptNames {
  /** G's latent and class input names. */
  latent?: string;
  label?: string;
  /** D's sample and class input names. */
  sample?: string;
  dLabel?: string;
}

/** One graph's roles, found or given. */
interface Roles {
  main: GraphValue & { elemType: number };
  label?: GraphValue & { elemType: number };
}

const graphOf = (model: OnnxModel) => model.graph as unknown as Graph;

function elemTypes(model: OnnxModel): Map<string, number> {
  return new Map(graphOf(model).input.map((v) => [v.name!, v.type?.tensorType?.elemType ?? 0]));
}

const isInt = (t: number) => t === T.INT64 || t === T.INT32;
/** Names a class input usually has (`y`, `c`, `labels`, `class_onehot`, `cond`). */
const CLASS_NAME = /^(y|c|cls)$|label|class|onehot|one_hot|cond/i;
const nonBatch = (v: GraphValue) => (v.shape ?? []).slice(1);
const fixed = (dims: readonly (number | string)[]) =>
  dims.every((d) => typeof d === "number" && d > 0);
const size = (dims: readonly (number | string)[]) =>
  dims.reduce<number>((a, d) => a * (d as number), 1);

/**
 * The main input (latent or sample) and the class input of a graph. `isMain` tells the main
 * input among float inputs when a graph has two (a one-hot class is the other).
 */
function rolesOf(
  model: OnnxModel,
  file: string,
  options: { main?: string; label?: string; what: string; isMain: (v: GraphValue) => boolean },
): Roles {
  const types = elemTypes(model);
  const inputs = graphIo(model).inputs.map((v) => ({ ...v, elemType: types.get(v.name) ?? 0 }));
  const named = (name: string | undefined, flag: string) => {
    if (name === undefined) return undefined;
    const found = inputs.find((v) => v.name === name);
    if (!found) {
      throw new RangeError(
        `Cannot import '${file}' as it has no input '${name}' (${flag}): its inputs are ` +
          inputs.map((v) => `'${v.name}'`).join(", "),
      );
    }
    return found;
  };
  if (inputs.length === 0 || inputs.length > 2) {
    throw new RangeError(
      `Cannot import '${file}' as it has ${inputs.length} inputs: expected the ${options.what} ` +
        "and at most a class input",
    );
  }
  let main = named(options.main, "--input-names");
  let label = named(options.label, "--input-names");
  if (inputs.length === 1) {
    main ??= inputs[0];
    if (isInt(main.elemType)) {
      throw new RangeError(
        `Cannot import '${file}' as its only input '${main.name}' is an integer: expected the ` +
          `${options.what} (float)`,
      );
    }
    return { main };
  }
  if (!main && !label) {
    const ints = inputs.filter((v) => isInt(v.elemType));
    const mains = inputs.filter(options.isMain);
    const named = inputs.filter((v) => CLASS_NAME.test(v.name));
    if (ints.length === 1) label = ints[0];
    else if (mains.length === 1) main = mains[0];
    else if (named.length === 1) label = named[0]; // shapes alike: the name tells (`y`, `labels`)
  }
  if (main || label) {
    main ??= inputs.find((v) => v !== label);
    label ??= inputs.find((v) => v !== main);
  }
  if (!main || !label || main === label || isInt(main.elemType)) {
    throw new RangeError(
      `Cannot import '${file}' as the roles of its inputs ` +
        inputs.map((v) => `'${v.name}' ${describe(v)}`).join(" and ") +
        ` cannot be told: name them with --input-names (the ${options.what} first)`,
    );
  }
  return { main, label };
}

function describe(v: GraphValue & { elemType: number }): string {
  const type = v.elemType === T.INT64 ? "int64" : v.elemType === T.INT32 ? "int32" : "float";
  return `${type} [${(v.shape ?? []).map((d) => (typeof d === "number" && d > 0 ? d : "N"))}]`;
}

function int64Tensor(name: string, values: number[]): onnxProto.onnx.ITensorProto {
  const raw = new BigInt64Array(values.map(BigInt));
  return { name, dataType: T.INT64, dims: [values.length], rawData: new Uint8Array(raw.buffer) };
}

function floatTensor(name: string, values: number[]): onnxProto.onnx.ITensorProto {
  const raw = new Float32Array(values);
  return { name, dataType: T.FLOAT, dims: [values.length], rawData: new Uint8Array(raw.buffer) };
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
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
function replaceInput(
  graph: Graph,
  old: string,
  info: onnxProto.onnx.IValueInfoProto,
  added: { nodes: Node[]; initializers: onnxProto.onnx.ITensorProto[] },
): void {
  graph.input = graph.input.map((v) => (v.name === old ? info : v));
  graph.node.unshift(...added.nodes);
  graph.initializer.push(...added.initializers);
}

/** Adapts the class input `label` of `graph` to `class` int64 [N]; returns what was done. */
function adaptClass(
  graph: Graph,
  label: GraphValue & { elemType: number },
  classes: number,
  prefix: string,
): { kind: ClassInput; note?: string } {
  const dims = nonBatch(label), name = GRAPH_NAMES.label;
  const input = valueInfo(name, T.INT64, ["N"]);
  if (label.elemType === T.INT64 && dims.length === 0) {
    rename(graph, label.name, name);
    return { kind: "index" };
  }
  if (isInt(label.elemType) && dims.length === 1 && dims[0] === 1) {
    const shape = `${prefix}class_shape`;
    const reshaped = label.elemType === T.INT64 ? label.name : `${prefix}class_column`;
    const nodes: Node[] = [node("Reshape", [name, shape], [reshaped])];
    if (label.elemType === T.INT32) nodes.push(castTo(reshaped, label.name, T.INT32));
    replaceInput(graph, label.name, input, { nodes, initializers: [int64Tensor(shape, [-1, 1])] });
    return { kind: "index-column", note: `Reshape of 'class' to [N, 1] for '${label.name}'` };
  }
  if (label.elemType === T.INT32 && dims.length === 0) {
    replaceInput(graph, label.name, input, {
      nodes: [castTo(name, label.name, T.INT32)],
      initializers: [],
    });
    return { kind: "index-int32", note: `Cast of 'class' to int32 for '${label.name}'` };
  }
  if (!isInt(label.elemType) && dims.length === 1 && dims[0] === classes) {
    const [depth, values] = [`${prefix}class_depth`, `${prefix}class_values`];
    replaceInput(graph, label.name, input, {
      nodes: [node("OneHot", [name, depth, values], [label.name], [{ name: "axis", i: -1 }])],
      initializers: [int64Tensor(depth, [classes]), floatTensor(values, [0, 1])],
    });
    return { kind: "onehot", note: `OneHot of 'class' (depth ${classes}) for '${label.name}'` };
  }
  throw new RangeError(
    `Cannot import the class input '${label.name}' ${describe(label)}: expected an integer ` +
      `index [N] or [N, 1], or a one-hot float [N, ${classes}]`,
  );
}

function castTo(from: string, to: string, type: number): Node {
  return node("Cast", [from], [to], [{ name: "to", i: type }]);
}

function node(
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
function rename(graph: Graph, from: string, to: string): void {
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
function prune(graph: Graph): void {
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

const SHAPE_ONLY = new Set(["Reshape", "Squeeze", "Unsqueeze", "Flatten", "Identity", "If"]);

/** What {@linkcode adaptDiscriminatorOutput} did. */
export interface OutputAdaptation {
  /** A Sigmoid was cut: D returns its input, the logit. */
  sigmoidCut: boolean;
  notes: string[];
}

/**
 * D's output as `logit [N, 1]`: the shape-only tail is cut (with an `If` from `.squeeze`) and a
 * `Sigmoid` right before it too; one `Reshape` to `[N, 1]` makes the output.
 */
function adaptDiscriminatorOutput(graph: Graph, file: string): OutputAdaptation {
  if (graph.output.length !== 1) {
    throw new RangeError(
      `Cannot import '${file}' as the discriminator has ${graph.output.length} outputs ` +
        `(${graph.output.map((v) => `'${v.name}'`).join(", ")}): expected one, its score`,
    );
  }
  const producer = (name: string) => graph.node.find((n) => n.output.includes(name));
  // The old output keeps its producer under another name, so only the new Reshape makes 'logit'.
  const replaced = "adapt/replaced_output";
  for (const n of graph.node) {
    n.output = n.output.map((o) => (o === graph.output[0].name ? replaced : o));
  }
  let core = replaced;
  const cut: string[] = [];
  for (let p = producer(core); p && SHAPE_ONLY.has(p.opType); p = producer(core)) {
    cut.push(p.opType);
    core = p.opType === "If" ? ifSource(graph, p) ?? core : p.input[0];
    if (p.opType === "If" && core === p.output[0]) {
      throw new RangeError(
        `Cannot import '${file}' as its output comes from an 'If' node that is not a squeeze`,
      );
    }
  }
  const notes: string[] = [];
  let sigmoidCut = false;
  if (producer(core)?.opType === "Sigmoid") {
    core = producer(core)!.input[0];
    sigmoidCut = true;
    notes.push("cut D's terminal Sigmoid: its input, the logit, is D's output");
  }
  if (cut.length) notes.push(`cut D's output tail (${cut.join(", ")})`);
  const shape = "adapt/logit_shape";
  graph.node.push(node("Reshape", [core, shape], [GRAPH_NAMES.logit]));
  graph.initializer.push(int64Tensor(shape, [-1, 1]));
  graph.output = [valueInfo(GRAPH_NAMES.logit, T.FLOAT, ["N", 1])];
  notes.push("Reshape of D's score to logit [N, 1]");
  prune(graph);
  return { sigmoidCut, notes };
}

/** The tensor an `If` from `.squeeze(k)` squeezes: the input of the branches' Squeeze/Identity. */
function ifSource(graph: Graph, n: Node): string | undefined {
  const sources = new Set<string>();
  for (const a of n.attribute ?? []) {
    for (const b of a.g?.node ?? []) {
      if ((b.opType === "Squeeze" || b.opType === "Identity") && b.input?.[0]) {
        sources.add(b.input[0]);
      }
    }
  }
  const outer = [...sources].filter((s) => graph.node.some((m) => m.output.includes(s)));
  return outer.length === 1 ? outer[0] : undefined;
}

/** Options for {@linkcode adaptPair}. */
export interface AdaptOptions {
  files: { generator: string; discriminator: string };
  /** Number of classes of a conditional pair (needed for a one-hot class input). */
  classes?: number;
  names?: AdaptNames;
}

/** The adapted pair and what was done to it. */
export interface AdaptedPair {
  generator: OnnxModel;
  discriminator: OnnxModel;
  latentDim: number;
  /** G's output shape without the batch dim (undefined when the export left it dynamic). */
  sampleShape?: number[];
  conditional: boolean;
  classInput?: { generator: ClassInput; discriminator: ClassInput };
  sigmoidCut: boolean;
  adapters: string[];
}

/** Adapts both graphs (in place) to the serving contract. */
export function adaptPair(g: OnnxModel, d: OnnxModel, options: AdaptOptions): AdaptedPair {
  const { files, names = {} } = options;
  const gGraph = graphOf(g), dGraph = graphOf(d);
  const gRoles = rolesOf(g, files.generator, {
    main: names.latent,
    label: names.label,
    what: "latent",
    isMain: (v) => options.classes === undefined || size(nonBatch(v)) !== options.classes,
  });
  const gOut = graphIo(g).outputs;
  if (gOut.length !== 1) {
    throw new RangeError(
      `Cannot import '${files.generator}' as the generator has ${gOut.length} outputs: expected one`,
    );
  }
  const sampleDims = nonBatch(gOut[0]);
  const dRoles = rolesOf(d, files.discriminator, {
    main: names.sample,
    label: names.dLabel,
    what: "sample",
    isMain: (v) => fixed(sampleDims) && size(nonBatch(v)) === size(sampleDims),
  });
  if (Boolean(gRoles.label) !== Boolean(dRoles.label)) {
    throw new RangeError(
      `Cannot import the pair as only the ${
        gRoles.label ? "generator" : "discriminator"
      } takes a ` +
        "class input: both or neither must",
    );
  }
  const adapters: string[] = [];
  // G's latent.
  const zDims = nonBatch(gRoles.main);
  if (!fixed(zDims)) {
    throw new RangeError(
      `Cannot import '${files.generator}' as its latent '${gRoles.main.name}' has no fixed ` +
        `non-batch shape: got ${describe(gRoles.main)}`,
    );
  }
  const latentDim = size(zDims);
  if (zDims.length === 1) rename(gGraph, gRoles.main.name, GRAPH_NAMES.latent);
  else {
    const shape = "adapt/z_shape";
    replaceInput(
      gGraph,
      gRoles.main.name,
      valueInfo(GRAPH_NAMES.latent, T.FLOAT, ["N", latentDim]),
      {
        nodes: [node("Reshape", [GRAPH_NAMES.latent, shape], [gRoles.main.name])],
        initializers: [int64Tensor(shape, [-1, ...(zDims as number[])])],
      },
    );
    adapters.push(`Reshape of z [N, ${latentDim}] to [N, ${zDims.join(", ")}]`);
  }
  // The classes.
  let classInput: AdaptedPair["classInput"];
  if (gRoles.label && dRoles.label) {
    const count = options.classes ?? 0;
    const gClass = adaptClass(gGraph, gRoles.label, count, "adapt/g_");
    const dClass = adaptClass(dGraph, dRoles.label, count, "adapt/d_");
    for (const c of [gClass, dClass]) if (c.note) adapters.push(c.note);
    classInput = { generator: gClass.kind, discriminator: dClass.kind };
  }
  // G's output and D's sample input.
  rename(gGraph, gOut[0].name, GRAPH_NAMES.sample);
  rename(dGraph, dRoles.main.name, GRAPH_NAMES.sample);
  const out = adaptDiscriminatorOutput(dGraph, files.discriminator);
  adapters.push(...out.notes);
  gGraph.valueInfo = [];
  return {
    generator: g,
    discriminator: d,
    latentDim,
    sampleShape: fixed(sampleDims) ? (sampleDims as number[]) : undefined,
    conditional: Boolean(classInput),
    classInput,
    sigmoidCut: out.sigmoidCut,
    adapters,
  };
}

/**
 * Appends a stable log-odds to D (`log(p) - log(1 - p)` on p clipped to [1e-7, 1 - 1e-7]): for
 * a D that returns probabilities with no Sigmoid to cut. The clip bounds the logit to about
 * +-16, where float32's `1 - p` has no digits left anyway.
 */
export function appendLogOdds(d: OnnxModel): void {
  const graph = graphOf(d);
  const p = "adapt/probability";
  rename(graph, GRAPH_NAMES.logit, p);
  graph.output = [valueInfo(GRAPH_NAMES.logit, T.FLOAT, ["N", 1])];
  graph.initializer.push(
    floatTensor("adapt/eps", [1e-7]),
    floatTensor("adapt/one_minus_eps", [1 - 1e-7]),
    floatTensor("adapt/one", [1]),
  );
  graph.node.push(
    node("Clip", [p, "adapt/eps", "adapt/one_minus_eps"], ["adapt/p_clipped"]),
    node("Sub", ["adapt/one", "adapt/p_clipped"], ["adapt/q"]),
    node("Log", ["adapt/p_clipped"], ["adapt/log_p"]),
    node("Log", ["adapt/q"], ["adapt/log_q"]),
    node("Sub", ["adapt/log_p", "adapt/log_q"], [GRAPH_NAMES.logit]),
  );
}
