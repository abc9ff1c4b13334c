/**
 * Export parity: the train-time TF.js model (cpu backend), ONNX Runtime on the exported ONNX
 * and tfjs-backend-wasm on the exported TF.js model agree within 1e-5 on G outputs and D
 * logits; DRS decisions for a fixed seed agree across the two serving runtimes.
 */

import assert from "node:assert/strict";
import { isolatedTest } from "../testing/isolated.ts";
import * as tf from "@tensorflow/tfjs";
import type { Backend, BackendInit } from "../backends/mod.ts";
import { openBackend } from "../backends/open.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { normals } from "../shared/rng.ts";
import { calibrateBackend } from "../train/calibrate.ts";
import { exportModelPair, exportOnnx } from "../train/export/mod.ts";
import { decisionAgreement, maxAbsDiff, proposalLogits, runMicros } from "../testing/parity.ts";
import { convDiscriminator, convGenerator, mlp, oddConvModel } from "../testing/tfjs_models.ts";

const test = isolatedTest(import.meta.url);

const TOLERANCE = 1e-5;
const wasm = { wasmPaths: denoWasmPaths() };

/** Exports G/D, then checks both runtimes against the cpu model on `n` fixed latents. */
async function checkPair(
  models: { g: tf.LayersModel; d: tf.LayersModel },
  shapes: { latentDim: number; sampleShape: number[] },
  n: number,
): Promise<{ backends: Backend[]; init: BackendInit }> {
  await tf.setBackend("cpu");
  const dir = await Deno.makeTempDir();
  await exportModelPair({ generator: models.g, discriminator: models.d }, dir);
  const z = normals(42, { start: 0, count: n, dim: shapes.latentDim }); // [n, latentDim]
  const [xRef, logitRef] = tf.tidy(() => {
    const x = models.g.predict(tf.tensor2d(z, [n, shapes.latentDim])) as tf.Tensor;
    return [x.dataSync(), (models.d.predict(x) as tf.Tensor).dataSync()];
  });
  const init: BackendInit = { ...shapes, readFile: (name) => Deno.readFile(`${dir}/${name}`) };
  const backends: Backend[] = [];
  for (const name of ["onnx", "wasm"] as const) {
    const backend = await openBackend(name, init, { wasm });
    backends.push(backend);
    const out = await backend.run(z, n);
    const dx = maxAbsDiff(out.x, xRef), dl = maxAbsDiff(out.logits, logitRef);
    console.log(`  ${name}: max |dx| ${dx.toExponential(2)}, max |dlogit| ${dl.toExponential(2)}`);
    assert.ok(dx <= TOLERANCE && dl <= TOLERANCE, `${name}: ${dx}, ${dl} > ${TOLERANCE}`);
  }
  return { backends, init };
}

test("exportModelPair() MLP: cpu, onnx and wasm agree and DRS decisions match", async () => {
  const shapes = { latentDim: 16, sampleShape: [2] };
  const models = { g: mlp([16, 128, 128, 128, 2], "g"), d: mlp([2, 128, 128, 128, 1], "d") };
  const { backends: [onnx, wasmBackend], init } = await checkPair(models, shapes, 256);
  const drs = await calibrateBackend(onnx, shapes.latentDim, { samples: 2000 });
  const count = 20_000, seed = 2024;
  const before = tf.memory().numTensors;
  const a = await proposalLogits(onnx, shapes.latentDim, { seed, count });
  const b = await proposalLogits(wasmBackend, shapes.latentDim, { seed, count });
  assert.deepEqual(tf.memory().numTensors, before, "wasm backend leaked tensors");
  const result = decisionAgreement(a, b, { ...drs, seed });
  console.log(
    `  DRS decisions agree on ${(result.agreement * 100).toFixed(3)}% of ${count} proposals ` +
      `(accepted ${result.acceptedA} onnx, ${result.acceptedB} wasm; max |dlogit| ` +
      `${maxAbsDiff(a, b).toExponential(2)})`,
  );
  assert.ok(result.agreement >= 0.999);
  assert.ok(result.acceptedA > 0 && result.acceptedA < count, "DRS must both accept and reject");
  for (const n of [1, 256]) {
    const calls = n === 1 ? 500 : 50;
    const us = await Promise.all([runMicros(onnx, init, { n, calls })]);
    const uw = await runMicros(wasmBackend, init, { n, calls });
    console.log(`  batch ${n}: onnx ${us[0].toFixed(0)} us, wasm ${uw.toFixed(0)} us per G+D call`);
  }
  for (const backend of [onnx, wasmBackend]) await backend.dispose();
});

test("exportModelPair() conv G/D with batch norm: cpu, onnx and wasm agree", async () => {
  const shapes = { latentDim: 16, sampleShape: [28, 28, 1] };
  const { backends } = await checkPair({ g: convGenerator(), d: convDiscriminator() }, shapes, 8);
  for (const backend of backends) await backend.dispose();
});

test("exportOnnx() handles odd padding, output padding, dilation and rank-2 batch norm", async () => {
  const shapes = { latentDim: 8, sampleShape: [2] };
  const { backends } = await checkPair({ g: oddConvModel(), d: mlp([2, 8, 1], "d") }, shapes, 8);
  for (const backend of backends) await backend.dispose();
});

test("exportOnnx() names the class and name of a layer it cannot export", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool_1" }),
      tf.layers.flatten(),
    ],
  });
  assert.throws(
    () => exportOnnx(model, { inputName: "x", outputName: "logit" }),
    /^TypeError: Cannot export 'MaxPooling2D' layer 'pool_1' as it is not supported: supported layers are InputLayer, Dense,/,
  );
  const gelu = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [2], units: 1, activation: "gelu", name: "head" })],
  });
  assert.throws(
    () => exportOnnx(gelu, { inputName: "x", outputName: "logit" }),
    /Cannot export 'Dense' layer 'head' as its activation 'gelu' is not supported/,
  );
});

test("exportOnnx() exports a functional chain", async () => {
  await tf.setBackend("cpu");
  const input = tf.input({ shape: [4] });
  const hidden = tf.layers.dense({ units: 8, activation: "softplus" }).apply(input);
  const out = tf.layers.dense({ units: 2, activation: "softmax" }).apply(hidden);
  const chain = tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
  const { InferenceSession, Tensor } = await import("onnxruntime-node");
  const session = await InferenceSession.create(
    exportOnnx(chain, { inputName: "z", outputName: "x" }),
  );
  const z = normals(1, { start: 0, count: 5, dim: 4 }); // [5, 4]
  const result = await session.run({ z: new Tensor("float32", z, [5, 4]) });
  const expected = tf.tidy(() => (chain.predict(tf.tensor2d(z, [5, 4])) as tf.Tensor).dataSync());
  assert.ok(maxAbsDiff(result.x.data as Float32Array, expected) <= TOLERANCE);
  await session.release();
});
