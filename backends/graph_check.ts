/**
 * Checks a model graph's inputs and outputs against what the manifest promises (runtime-free:
 * it works on plain name/shape lists, so ONNX and TF.js backends and the BYO path share it).
 *
 * @module
 */

import { GRAPH_NAMES } from "../shared/model_files.ts";

export { GRAPH_NAMES };

/** One graph input or output: its name and shape; strings and -1 are symbolic dims. */
export interface GraphValue {
  name: string;
  /** Undefined when the runtime cannot tell (the check is then by name only). */
  shape?: readonly (number | string)[];
}

/** One value a graph must have: its name and shape without the batch dim. */
export interface ValueExpectation {
  name: string;
  shape: readonly number[];
  /** Other accepted non-batch shapes (e.g. `[1]` or `[]` for a logit). */
  alternatives?: readonly number[][];
}

/** The inputs and output one graph must have. */
export interface GraphExpectation {
  /** File name used in messages, e.g. `generator.onnx`. */
  file: string;
  /** The inputs, in order: the latent or sample, then `class` for class-conditional models. */
  inputs: readonly ValueExpectation[];
  output: ValueExpectation;
}

function describe(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (typeof d === "number" && d >= 0 ? d : "N")).join(", ")}]`;
}

function fits(actual: readonly (number | string)[], expected: readonly number[]): boolean {
  if (actual.length !== expected.length + 1) return false;
  return expected.every((d, i) => {
    const a = actual[i + 1];
    return typeof a !== "number" || a < 0 || a === d;
  });
}

const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(", ");

function checkShape(file: string, role: string, value: GraphValue, want: ValueExpectation): void {
  if (!value.shape) return;
  const expected = `[N${want.shape.map((d) => `, ${d}`).join("")}]`;
  const shapes = [want.shape, ...(want.alternatives ?? [])];
  if (!shapes.some((s) => fits(value.shape!, s))) {
    throw new RangeError(
      `Cannot open '${file}' as its ${role} '${value.name}' must have rank ` +
        `${want.shape.length + 1} and shape ${expected}: got ${describe(value.shape)}`,
    );
  }
  const batch = value.shape[0];
  if (typeof batch === "number" && batch > 0) {
    throw new RangeError(
      `Cannot open '${file}' as its ${role} '${value.name}' has a fixed batch dimension ` +
        `${batch}: export it with a dynamic batch dimension`,
    );
  }
}

/** Checks `values` against `wants` by name (any order), then each one's shape. */
function checkValues(
  file: string,
  role: "input" | "output",
  values: readonly GraphValue[],
  wants: readonly ValueExpectation[],
): void {
  const names = wants.map((w) => w.name);
  if (values.length !== wants.length) {
    const what = wants.length === 1
      ? `exactly one ${role} '${names[0]}'`
      : `exactly ${wants.length} ${role}s ${quoted(names)}`;
    throw new RangeError(
      `Cannot open '${file}' as it must have ${what}: ` +
        `got ${values.length} (${quoted(values.map((v) => v.name))})`,
    );
  }
  for (const want of wants) {
    const value = values.find((v) => v.name === want.name);
    if (!value) {
      throw new RangeError(
        wants.length === 1
          ? `Cannot open '${file}' as its ${role} must be named '${want.name}': ` +
            `got '${values[0].name}'`
          : `Cannot open '${file}' as its ${role}s must be named ${quoted(names)}: ` +
            `got ${quoted(values.map((v) => v.name))}`,
      );
    }
    checkShape(file, role, value, want);
  }
}

/** Throws a message naming the file, the value and both shapes when the graph does not fit. */
export function checkGraph(
  io: { inputs: readonly GraphValue[]; outputs: readonly GraphValue[] },
  expectation: GraphExpectation,
): void {
  checkValues(expectation.file, "input", io.inputs, expectation.inputs);
  checkValues(expectation.file, "output", io.outputs, [expectation.output]);
}

/**
 * Checks a fused sampler graph (`z [, class] -> x, logit`): the generator's inputs, and the two
 * outputs by name, each against the generator's and discriminator's expectations.
 */
export function checkFusedGraph(
  io: { inputs: readonly GraphValue[]; outputs: readonly GraphValue[] },
  expectation: { file: string; generator: GraphExpectation; discriminator: GraphExpectation },
): void {
  const { file, generator, discriminator } = expectation;
  checkValues(file, "input", io.inputs, generator.inputs);
  const names = io.outputs.map((v) => v.name).sort().join(", ");
  const wanted = [generator.output.name, discriminator.output.name].sort().join(", ");
  if (names !== wanted) {
    throw new RangeError(
      `Cannot open '${file}' as its outputs must be ${wanted}: got ${names || "none"}`,
    );
  }
  for (const want of [generator.output, discriminator.output]) {
    checkValues(file, "output", io.outputs.filter((v) => v.name === want.name), [want]);
  }
}

/** Options for {@linkcode pairExpectations}. */
export interface PairExpectationOptions {
  /**
   * Shape (without the batch dim) of the `class` input of class-conditional graphs: `[]` in ONNX
   * (int64 `[N]`), `[1]` in TF.js (int32 `[N, 1]`). @default {[]}
   */
  classShape?: readonly number[];
}

/**
 * Expectations for a generator and discriminator of the given shapes; with `classes` (a
 * class-conditional model) both also take a `class` input.
 */
export function pairExpectations(
  shapes: { latentDim: number; sampleShape: readonly number[]; classes?: number },
  files: { generator: string; discriminator: string },
  options: PairExpectationOptions = {},
): { generator: GraphExpectation; discriminator: GraphExpectation } {
  const sample = { name: GRAPH_NAMES.sample, shape: shapes.sampleShape };
  const label = shapes.classes
    ? [{ name: GRAPH_NAMES.label, shape: options.classShape ?? [] }]
    : [];
  return {
    generator: {
      file: files.generator,
      inputs: [{ name: GRAPH_NAMES.latent, shape: [shapes.latentDim] }, ...label],
      output: sample,
    },
    discriminator: {
      file: files.discriminator,
      inputs: [sample, ...label],
      output: { name: GRAPH_NAMES.logit, shape: [1], alternatives: [[]] },
    },
  };
}

/**
 * Throws a RangeError unless `classes` is given exactly for a class-conditional model, with one
 * class in `0 .. count - 1` per row.
 */
export function checkClasses(
  classes: Int32Array | undefined,
  expect: { n: number; count: number },
): void {
  const { n, count } = expect;
  if (!count) {
    if (classes !== undefined) {
      throw new RangeError(
        "Cannot run the model as 'classes' was given but the model has no classes",
      );
    }
    return;
  }
  if (classes === undefined || classes.length !== n) {
    throw new RangeError(
      `Cannot run the model as 'classes' must hold one class per row for n = ${n}: ` +
        `got ${classes === undefined ? "none" : classes.length}`,
    );
  }
  for (const c of classes) {
    if (!(c >= 0 && c < count)) {
      throw new RangeError(
        `Cannot run the model as each class must be in 0..${count - 1}: current value is ${c}`,
      );
    }
  }
}

/** Throws a RangeError unless `values` holds `n * per` values for a positive integer `n`. */
export function checkCount(
  values: Float32Array,
  expect: { what: string; n: number; per: number },
): void {
  const { what, n, per } = expect;
  if (!Number.isInteger(n) || n < 1 || values.length !== n * per) {
    throw new RangeError(
      `Cannot run the model as '${what}' must hold n * ${per} values for n = ${n}: ` +
        `got ${values.length}`,
    );
  }
}
