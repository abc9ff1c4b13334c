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

import { GRAPH_NAMES } from "../../shared/model_files.ts";
import type { GraphValue } from "../../backends/graph_check.ts";
import { graphIo, type OnnxModel } from "./_byo_graph.ts";
import {
  castTo,
  floatTensor,
  type Graph,
  graphOf,
  int64Tensor,
  type Node,
  node,
  prune,
  rename,
  replaceInput,
  T,
  valueInfo,
} from "./_graph_edit.ts";
import { type AdaptNames, describe, fixed, isInt, nonBatch, rolesOf, size } from "./_roles.ts";

export type { AdaptNames } from "./_roles.ts";

/** How a graph takes the class. */
export type ClassInput = "index" | "index-int32" | "index-column" | "onehot";

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
