import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertAlmostEquals } from "../../testing/assert.ts";
import { setupTf } from "../tf_setup.ts";
import { installWasmSegmentSum, segmentSum } from "./wasm_segment_sum.ts";

Deno.test("segmentSum() adds rows by id and drops out-of-range ids", () => {
  // x [4, 2]; ids 1, 0, 1, 5 (5 is out of range for 3 segments)
  const out = segmentSum(
    { values: [1, 2, 3, 4, 5, 6, 7, 8], shape: [4, 2] },
    { ids: [1, 0, 1, 5], count: 3 },
  );
  assert.deepEqual(Array.from(out), [3, 4, 6, 8, 0, 0]);
});

Deno.test("installWasmSegmentSum() lets an Embedding train on wasm with cpu's gradient", async () => {
  const grads: Float32Array[] = [];
  for (const backend of ["cpu", "wasm"] as const) {
    assert.deepEqual(await setupTf(backend), backend);
    if (backend === "wasm") assert.ok(installWasmSegmentSum());
    const table = tf.variable(tf.tensor2d(Array.from({ length: 12 }, (_, i) => i / 7), [4, 3]));
    const before = tf.memory().numTensors;
    const grad = tf.tidy(() => {
      const ids = tf.tensor1d([2, 0, 2, 3, 2], "int32");
      const weights = tf.tensor2d(Array.from({ length: 15 }, (_, i) => Math.cos(i)), [5, 3]);
      const { grads } = tf.variableGrads(() => tf.gather(table, ids).mul(weights).sum(), [table]);
      return grads[table.name].dataSync() as Float32Array;
    });
    assert.deepEqual(tf.memory().numTensors, before, `${backend} leaked tensors`);
    grads.push(grad);
    table.dispose();
  }
  // Row 2 of the table was gathered three times: its gradient is the sum of three weight rows.
  assertAlmostEquals(grads[0][6], Math.cos(0) + Math.cos(6) + Math.cos(12), 1e-6);
  grads[0].forEach((v, i) => assertAlmostEquals(grads[1][i], v, 1e-6));
});
