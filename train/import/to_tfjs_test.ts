import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import onnxProto from "onnx-proto";
import { normals } from "../../shared/rng.ts";
import { exportOnnx, roundModelToFloat16 } from "../export/mod.ts";
import { halfPrecisionInitializers } from "../export/onnx_float16.ts";
import { convGenerator } from "../../testing/tfjs_models.ts";
import { decodeOnnx } from "./_byo_graph.ts";
import { graphSpec, tfjsModelOf } from "./to_tfjs.ts";

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;

/** graphSpec() of a graph `y = Identity(x)` holding `tensor` as its initializer 'w'. */
function specOf(tensor: Omit<onnxProto.onnx.ITensorProto, "name">) {
  const model = onnx.ModelProto.create({
    graph: {
      node: [{ opType: "Identity", input: ["x"], output: ["y"] }],
      input: [{ name: "x" }],
      output: [{ name: "y" }],
      initializer: [{ name: "w", ...tensor }],
    },
  });
  return graphSpec(model, { file: "m.onnx", outputShape: (tensor.dims ?? []).map(Number) });
}

Deno.test("tfjsModelOf() runs a graph with float16 initializers as the model it was exported from", async () => {
  await tf.setBackend("cpu");
  const g = convGenerator(); // [N, 16] -> [N, 28, 28, 1]
  roundModelToFloat16(g);
  const { bytes, converted } = halfPrecisionInitializers(
    exportOnnx(g, { inputName: "z", outputName: "x" }),
  );
  assert.ok(converted >= 2, `${converted} initializers converted`);
  const built = tfjsModelOf(decodeOnnx(bytes, "generator.onnx"), {
    file: "generator.onnx",
    name: "generator",
    mainShape: [16],
    outputShape: [28, 28, 1],
  });
  const z = tf.tensor2d(normals(3, { start: 0, count: 32, dim: 16 }), [32, 16]);
  const [want, got] = tf.tidy(() => [g.predict(z) as tf.Tensor, built.predict(z) as tf.Tensor]);
  assert.deepEqual(got.shape, [32, 28, 28, 1]);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(want, got))).dataSync()[0]);
  assert.ok(diff < 1e-5, `largest difference ${diff}`);
  tf.dispose([z, want, got]);
  built.dispose();
});

Deno.test("graphSpec() reads raw float16, int8 and int16 initializers with their signs", () => {
  const cases: [number, Uint8Array, number[], boolean][] = [
    // 1, -2, 0.5 and 65504 (the largest half) as half-precision bits, little-endian.
    [T.FLOAT16, new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38, 0xff, 0x7b]), [
      1,
      -2,
      0.5,
      65504,
    ], false],
    [T.INT8, new Uint8Array([0xff, 0x02, 0x80, 0x7f]), [-1, 2, -128, 127], true],
    [T.INT16, new Uint8Array([0xfe, 0xff, 0x00, 0x80, 0x01, 0x00, 0xff, 0x7f]), [
      -2,
      -32768,
      1,
      32767,
    ], true],
    [T.UINT8, new Uint8Array([0xff, 0x02, 0x80, 0x7f]), [255, 2, 128, 127], true],
  ];
  for (const [dataType, rawData, values, int] of cases) {
    const { spec, weights } = specOf({ dims: [4], dataType, rawData });
    if (int) {
      assert.deepEqual(spec.constants, [{ name: "w", tensor: { shape: [4], values, int } }]);
    } else {
      assert.deepEqual(Array.from(weights[0].dataSync()), values);
      assert.deepEqual(spec.weights, [{ name: "w", shape: [4] }]);
    }
    tf.dispose(weights);
  }
});

Deno.test("graphSpec() reads float16 stored as int32_data bits", () => {
  const { weights } = specOf({ dims: [2], dataType: T.FLOAT16, int32Data: [0x3c00, 0xbc00] });
  assert.deepEqual(Array.from(weights[0].dataSync()), [1, -1]);
  tf.dispose(weights);
});

Deno.test("graphSpec() names a tensor type it cannot read", () => {
  assert.throws(
    () => specOf({ dims: [1], dataType: T.BFLOAT16, rawData: new Uint8Array(2) }),
    /Cannot convert 'm\.onnx' for the WASM path as its tensor 'w' has ONNX data type 16: expected float, float16/,
  );
});

Deno.test("graphSpec() refuses a tensor whose data does not fit its shape", () => {
  assert.throws(
    () => specOf({ dims: [4], dataType: T.FLOAT16, rawData: new Uint8Array(6) }),
    /Cannot convert 'm\.onnx' for the WASM path as its tensor 'w' holds 6 bytes: expected 8 bytes for its shape \[4\]/,
  );
  // float32 bytes labelled float16 are refused, not misread.
  assert.throws(
    () => specOf({ dims: [2], dataType: T.FLOAT16, rawData: new Uint8Array(8) }),
    /holds 8 bytes/,
  );
  assert.throws(
    () => specOf({ dims: [3], dataType: T.FLOAT }),
    /holds 0 values: expected 3 values for its shape \[3\] \(external data is not read\)/,
  );
});
