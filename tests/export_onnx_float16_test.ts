/**
 * `halfPrecisionInitializers()` against ONNX Runtime: a conv G and D rounded to half precision
 * (as image models are before export) stored with float16 initializers give bit-identical
 * outputs at about half the bytes; weights that are not exact in half precision stay float32.
 */

import assert from "node:assert/strict";
import { isolatedTest } from "../testing/isolated.ts";
import * as tf from "@tensorflow/tfjs";
import { openBackend } from "../backends/open.ts";
import { normals } from "../shared/rng.ts";
import { exportOnnx, roundModelToFloat16 } from "../train/export/mod.ts";
import { halfPrecisionInitializers } from "../train/export/onnx_float16.ts";
import { convDiscriminator, convGenerator, mlp } from "../testing/tfjs_models.ts";

const test = isolatedTest(import.meta.url);

async function run(files: Record<string, Uint8Array>, n: number) {
  const backend = await openBackend("onnx", {
    latentDim: 16,
    sampleShape: [28, 28, 1],
    readFile: (name) => Promise.resolve(files[name]),
  });
  const z = normals(7, { start: 0, count: n, dim: 16 }); // [n, 16]
  const out = await backend.run(z, n); // -> x [n, 28, 28, 1], logits [n]
  await backend.dispose();
  return out;
}

test("halfPrecisionInitializers() halves a rounded conv G and D and keeps their outputs bit for bit", async () => {
  await tf.setBackend("cpu");
  const models = { "generator.onnx": convGenerator(), "discriminator.onnx": convDiscriminator() };
  const original: Record<string, Uint8Array> = {}, half: Record<string, Uint8Array> = {};
  for (const [name, model] of Object.entries(models)) {
    roundModelToFloat16(model);
    original[name] = name === "generator.onnx"
      ? exportOnnx(model, { inputName: "z", outputName: "x" })
      : exportOnnx(model, { inputName: "x", outputName: "logit" });
    const { bytes, converted, kept } = halfPrecisionInitializers(original[name]);
    half[name] = bytes;
    assert.ok(converted >= 2, `${name}: ${converted} converted, ${kept} kept`);
    const ratio = bytes.length / original[name].length;
    assert.ok(ratio < 0.65, `${name} is ${ratio.toFixed(3)} of its float32 size`);
  }
  const a = await run(original, 64), b = await run(half, 64);
  assert.deepEqual([...b.x], [...a.x], "G's samples differ");
  assert.deepEqual([...b.logits], [...a.logits], "D's logits differ");
  // A second pass finds nothing left to convert.
  assert.equal(halfPrecisionInitializers(half["generator.onnx"]).converted, 0);
});

test("halfPrecisionInitializers() leaves weights that half precision cannot hold in float32", async () => {
  await tf.setBackend("cpu");
  const model = mlp([4, 96, 1], "d"); // glorot weights: not exact in half precision
  const bytes = exportOnnx(model, { inputName: "x", outputName: "logit" });
  const result = halfPrecisionInitializers(bytes);
  assert.equal(result.converted, 0);
  assert.ok(result.kept >= 2);
  assert.equal(result.bytes.length, bytes.length);
});
