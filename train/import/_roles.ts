/**
 * Which input of a graph is which (private to train/import/): the latent or sample, and the
 * class, from element types, shapes and, last, names; what the user names wins.
 *
 * @module
 */

import type { GraphValue } from "../../backends/graph_check.ts";
import { graphIo, type OnnxModel } from "./_byo_graph.ts";
import { graphOf, T } from "./_graph_edit.ts";

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
export interface Roles {
  main: GraphValue & { elemType: number };
  label?: GraphValue & { elemType: number };
}

function elemTypes(model: OnnxModel): Map<string, number> {
  return new Map(graphOf(model).input.map((v) => [v.name!, v.type?.tensorType?.elemType ?? 0]));
}

export const isInt = (t: number) => t === T.INT64 || t === T.INT32;
/** Names a class input usually has (`y`, `c`, `labels`, `class_onehot`, `cond`). */
const CLASS_NAME = /^(y|c|cls)$|label|class|onehot|one_hot|cond/i;
export const nonBatch = (v: GraphValue) => (v.shape ?? []).slice(1);
export const fixed = (dims: readonly (number | string)[]) =>
  dims.every((d) => typeof d === "number" && d > 0);
export const size = (dims: readonly (number | string)[]) =>
  dims.reduce<number>((a, d) => a * (d as number), 1);

/**
 * The main input (latent or sample) and the class input of a graph. `isMain` tells the main
 * input among float inputs when a graph has two (a one-hot class is the other).
 */
export function rolesOf(
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

export function describe(v: GraphValue & { elemType: number }): string {
  const type = v.elemType === T.INT64 ? "int64" : v.elemType === T.INT32 ? "int32" : "float";
  return `${type} [${(v.shape ?? []).map((d) => (typeof d === "number" && d > 0 ? d : "N"))}]`;
}
