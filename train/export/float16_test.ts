import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadLayersModelFromBytes } from "../../backends/tfjs_load.ts";
import { fromFloat16Bits, roundToFloat16, toFloat16Bits } from "./float16.ts";
import { roundModelToFloat16, tfjsModelFiles } from "./tfjs.ts";

Deno.test("toFloat16Bits() matches Python's struct 'e' format (round to nearest, ties to even)", () => {
  // python3 -c "import struct; print(hex(struct.unpack('<H', struct.pack('<e', x))[0]))"
  const reference: [number, number, number][] = [
    [1.0, 0x3c00, 1.0],
    [-2.0, 0xc000, -2.0],
    [0.1, 0x2e66, 0.0999755859375],
    [65504.0, 0x7bff, 65504.0],
    [65519.0, 0x7bff, 65504.0],
    [1e-8, 0x0000, 0],
    [5.960464477539063e-8, 0x0001, 5.960464477539063e-8],
    [2.9802322387695312e-8, 0x0000, 0], // exactly half the smallest subnormal: ties to even
    [2049.0, 0x6800, 2048.0],
    [2051.0, 0x6802, 2052.0],
    [6.103515625e-5, 0x0400, 6.103515625e-5],
    [3.0517578125e-5, 0x0200, 3.0517578125e-5],
    [1 / 3, 0x3555, 0.333251953125],
  ];
  for (const [x, bits, back] of reference) {
    assert.equal(toFloat16Bits(x), bits, `${x}`);
    assert.equal(fromFloat16Bits(bits), back, `${x}`);
  }
  assert.equal(toFloat16Bits(-0), 0x8000);
  assert.equal(toFloat16Bits(1e6), 0x7c00, "overflow is infinity");
  assert.ok(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN))));
});

Deno.test("roundToFloat16() is within half an ulp of half precision and idempotent", () => {
  const x = Float32Array.from(
    { length: 10_000 },
    (_, i) => Math.sin(i * 12.9898) * 2 ** ((i % 30) - 20),
  );
  const r = roundToFloat16(x);
  for (let i = 0; i < x.length; i++) {
    if (Math.abs(x[i]) < 6.1e-5) continue; // subnormal range: absolute error only
    assert.ok(Math.abs(r[i] - x[i]) <= Math.abs(x[i]) * 2 ** -11 * 1.0001, `${x[i]} -> ${r[i]}`);
  }
  assert.deepEqual([...roundToFloat16(r)], [...r]);
});

Deno.test("tfjsModelFiles() with float16 halves the weights and loads back the rounded model", async () => {
  await tf.setBackend("cpu");
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units: 8, activation: "relu" }),
      tf.layers.dense({ units: 2 }),
    ],
  });
  roundModelToFloat16(model);
  const full = await tfjsModelFiles(model);
  const half = await tfjsModelFiles(model, { float16: true });
  assert.equal(half.weights.byteLength * 2, full.weights.byteLength);
  const names = { modelJson: "model.json", weights: "weights.bin" };
  const loaded = await loadLayersModelFromBytes(half, names);
  const x = tf.tensor2d([[0.3, -1.2, 2.5], [1, 0, -0.5]]);
  const a = (model.predict(x) as tf.Tensor).dataSync(),
    b = (loaded.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual([...b], [...a], "the rounded model survives the half-precision file exactly");
  tf.dispose([x]);
  model.dispose();
  loaded.dispose();
});
