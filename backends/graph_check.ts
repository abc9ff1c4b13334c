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

/** The input and output one graph must have: names and shapes without the batch dim. */
export interface GraphExpectation {
  /** File name used in messages, e.g. `generator.onnx`. */
  file: string;
  input: { name: string; shape: readonly number[] };
  /** `alternatives` lists other accepted non-batch shapes (e.g. `[1]` or `[]` for a logit). */
  output: { name: string; shape: readonly number[]; alternatives?: readonly number[][] };
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

function checkValue(
  file: string,
  role: "input" | "output",
  values: readonly GraphValue[],
  want: { name: string; shape: readonly number[]; alternatives?: readonly number[][] },
): void {
  if (values.length !== 1) {
    throw new RangeError(
      `Cannot open '${file}' as it must have exactly one ${role} '${want.name}': ` +
        `got ${values.length} (${values.map((v) => `'${v.name}'`).join(", ")})`,
    );
  }
  const value = values[0];
  if (value.name !== want.name) {
    throw new RangeError(
      `Cannot open '${file}' as its ${role} must be named '${want.name}': got '${value.name}'`,
    );
  }
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

/** Throws a message naming the file, the value and both shapes when the graph does not fit. */
export function checkGraph(
  io: { inputs: readonly GraphValue[]; outputs: readonly GraphValue[] },
  expectation: GraphExpectation,
): void {
  checkValue(expectation.file, "input", io.inputs, expectation.input);
  checkValue(expectation.file, "output", io.outputs, expectation.output);
}

/**
 * Checks a fused sampler graph (`z -> x, logit`): the generator's input, and the two outputs
 * by name, each against the generator's and discriminator's expectations.
 */
export function checkFusedGraph(
  io: { inputs: readonly GraphValue[]; outputs: readonly GraphValue[] },
  expectation: { file: string; generator: GraphExpectation; discriminator: GraphExpectation },
): void {
  const { file, generator, discriminator } = expectation;
  checkValue(file, "input", io.inputs, generator.input);
  const names = io.outputs.map((v) => v.name).sort().join(", ");
  const wanted = [generator.output.name, discriminator.output.name].sort().join(", ");
  if (names !== wanted) {
    throw new RangeError(
      `Cannot open '${file}' as its outputs must be ${wanted}: got ${names || "none"}`,
    );
  }
  for (const want of [generator.output, discriminator.output]) {
    checkValue(file, "output", io.outputs.filter((v) => v.name === want.name), want);
  }
}

/** Expectations for a generator and discriminator of the given shapes. */
export function pairExpectations(
  shapes: { latentDim: number; sampleShape: readonly number[] },
  files: { generator: string; discriminator: string },
): { generator: GraphExpectation; discriminator: GraphExpectation } {
  const sample = { name: GRAPH_NAMES.sample, shape: shapes.sampleShape };
  return {
    generator: {
      file: files.generator,
      input: { name: GRAPH_NAMES.latent, shape: [shapes.latentDim] },
      output: sample,
    },
    discriminator: {
      file: files.discriminator,
      input: sample,
      output: { name: GRAPH_NAMES.logit, shape: [1], alternatives: [[]] },
    },
  };
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
