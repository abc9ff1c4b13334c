import assert from "node:assert/strict";
import { checkClasses, checkGraph, pairExpectations } from "./graph_check.ts";

Deno.test("checkClasses() asks class-conditional models for one class in range per row", () => {
  checkClasses(undefined, { n: 2, count: 0 });
  checkClasses(Int32Array.of(0, 9), { n: 2, count: 10 });
  assert.throws(
    () => checkClasses(Int32Array.of(1), { n: 1, count: 0 }),
    /'classes' was given but the model has no classes/,
  );
  assert.throws(
    () => checkClasses(undefined, { n: 2, count: 10 }),
    /'classes' must hold one class per row for n = 2: got none/,
  );
  assert.throws(
    () => checkClasses(Int32Array.of(0, 10), { n: 2, count: 10 }),
    /each class must be in 0\.\.9: current value is 10/,
  );
});

Deno.test("checkGraph() expects a class input beside z and x for class-conditional pairs", () => {
  const expect = pairExpectations({ latentDim: 4, sampleShape: [2], classes: 3 }, {
    generator: "generator.onnx",
    discriminator: "discriminator.onnx",
  });
  const outputs = [{ name: "x", shape: ["N", 2] }];
  checkGraph({
    inputs: [{ name: "class", shape: ["N"] }, { name: "z", shape: ["N", 4] }],
    outputs,
  }, expect.generator);
  assert.throws(
    () => checkGraph({ inputs: [{ name: "z", shape: ["N", 4] }], outputs }, expect.generator),
    /must have exactly 2 inputs 'z', 'class': got 1 \('z'\)/,
  );
  assert.throws(
    () =>
      checkGraph({
        inputs: [{ name: "z", shape: ["N", 4] }, { name: "label", shape: ["N"] }],
        outputs,
      }, expect.generator),
    /its inputs must be named 'z', 'class': got 'z', 'label'/,
  );
  assert.throws(
    () =>
      checkGraph({
        inputs: [{ name: "z", shape: ["N", 4] }, { name: "class", shape: ["N", 1] }],
        outputs,
      }, expect.generator),
    /input 'class' must have rank 1 and shape \[N\]: got \[N, 1\]/,
  );
});
