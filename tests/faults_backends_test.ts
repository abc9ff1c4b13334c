/**
 * Backends leak nothing when a model file is bad: a pair that fails to open releases the ONNX
 * Runtime sessions and the TF.js tensors it had already made, and dispose() frees the rest.
 * Runs in its own process (onnxruntime-node allows one isolate).
 */

import assert from "node:assert/strict";
import { isolatedTest } from "../testing/isolated.ts";
import * as ort from "onnxruntime-node";
import * as tf from "@tensorflow/tfjs";
import type { BackendInit } from "../backends/mod.ts";
import { openOnnxBackend } from "../backends/onnx_node.ts";
import { ensureWasmBackend, openWasmBackend } from "../backends/tfjs_wasm.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { tfjsModelFiles } from "../train/export/tfjs.ts";
import { denseWeights, mlpOnnx } from "../testing/onnx_fixtures.ts";

const test = isolatedTest(import.meta.url);

function init(files: Record<string, Uint8Array>): BackendInit {
  return {
    latentDim: 3,
    sampleShape: [2],
    readFile: (name) =>
      files[name] ? Promise.resolve(files[name]) : Promise.reject(new Error(`no ${name}`)),
  };
}

/** Counts sessions ONNX Runtime creates and releases while `fn` runs. */
async function countSessions(fn: () => Promise<void>): Promise<{ open: number; made: number }> {
  const create = ort.InferenceSession.create;
  let made = 0, released = 0;
  // deno-lint-ignore no-explicit-any
  (ort.InferenceSession as any).create = async (...args: any[]) => {
    // deno-lint-ignore no-explicit-any
    const session = await (create as any).apply(ort.InferenceSession, args);
    made++;
    const release = session.release.bind(session);
    session.release = () => (released++, release());
    return session;
  };
  try {
    await fn();
  } finally {
    // deno-lint-ignore no-explicit-any
    (ort.InferenceSession as any).create = create;
  }
  return { open: made - released, made };
}

const G = mlpOnnx([
  denseWeights({ in: 3, out: 8 }, { seed: 1 }),
  denseWeights({ in: 8, out: 2 }, { seed: 2 }),
], {
  input: "z",
  output: "x",
});
const D = mlpOnnx([
  denseWeights({ in: 2, out: 8 }, { seed: 3 }),
  denseWeights({ in: 8, out: 1 }, { seed: 4 }),
], {
  input: "x",
  output: "logit",
});

test("openOnnxBackend() releases the sessions it opened when a later file fails", async () => {
  const garbage = new TextEncoder().encode("not an onnx model at all");
  const cases: Record<string, Uint8Array>[] = [
    { "generator.onnx": G, "discriminator.onnx": garbage },
    { "generator.onnx": G, "discriminator.onnx": G }, // D with G's graph: wrong names
    { "generator.onnx": G, "discriminator.onnx": D, "sampler.onnx": garbage },
  ];
  for (const files of cases) {
    const counts = await countSessions(() =>
      assert.rejects(openOnnxBackend(init(files)), /Cannot (open|load)/).then(() => {})
    );
    assert.equal(counts.open, 0, `${counts.made} made, some never released`);
  }
  const counts = await countSessions(async () => {
    const backend = await openOnnxBackend(init({ "generator.onnx": G, "discriminator.onnx": D }));
    await backend.run(new Float32Array(6), 2);
    await backend.dispose();
    await backend.dispose();
  });
  assert.deepEqual(counts, { open: 0, made: 2 });
});

async function tfjsFiles(): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  const g = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
  const d = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
  for (const [role, model] of [["generator", g], ["discriminator", d]] as const) {
    const saved = await tfjsModelFiles(model);
    files[`tfjs/${role}/model.json`] = saved.modelJson;
    files[`tfjs/${role}/weights.bin`] = saved.weights;
    model.dispose();
  }
  return files;
}

test("openWasmBackend() frees the generator's tensors when the discriminator fails to load", async () => {
  const options = { wasmPaths: denoWasmPaths() };
  await ensureWasmBackend(options);
  const files = await tfjsFiles();
  const ok = await openWasmBackend(init(files), options); // starts the WASM backend
  await ok.dispose();
  const before = tf.memory().numTensors;
  const bad = { ...files, "tfjs/discriminator/weights.bin": new Uint8Array(3) };
  await assert.rejects(openWasmBackend(init(bad), options), /discriminator\/weights\.bin/);
  assert.deepEqual(tf.memory().numTensors, before, "tensors leaked by a failed open");
  const backend = await openWasmBackend(init(files), options);
  await backend.run(new Float32Array(6), 2);
  await backend.generate(new Float32Array(6), 2);
  await backend.dispose();
  assert.deepEqual(tf.memory().numTensors, before, "tensors left after dispose()");
});
