/**
 * Serving backends refuse graphs that do not fit the manifest on open, with messages naming
 * the file, the value and both shapes; bad calls and disposed backends are refused too.
 */

import assert from "node:assert/strict";
import { isolatedTest } from "../testing/isolated.ts";
import * as tf from "@tensorflow/tfjs";
import type { BackendInit } from "../backends/mod.ts";
import { openOnnxBackend } from "../backends/onnx_node.ts";
import { openBackend, resolveBackend } from "../backends/mod.ts";
import { loadLayersModelFromBytes } from "../backends/tfjs_load.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { fuseOnnxPair } from "../train/export/fuse.ts";
import { tfjsModelFiles } from "../train/export/tfjs.ts";
import { assertAlmostEquals } from "../testing/assert.ts";
import { denseWeights, mlpOnnx, mlpReference } from "../testing/onnx_fixtures.ts";

const test = isolatedTest(import.meta.url);

const G = [
  denseWeights({ in: 3, out: 8 }, { seed: 1 }),
  denseWeights({ in: 8, out: 2 }, { seed: 2 }),
];
const D = [
  denseWeights({ in: 2, out: 8 }, { seed: 3 }),
  denseWeights({ in: 8, out: 1 }, { seed: 4 }),
];

function pairInit(
  g: Uint8Array,
  d: Uint8Array,
  shapes = { latentDim: 3, sampleShape: [2] },
): BackendInit {
  const files: Record<string, Uint8Array> = { "generator.onnx": g, "discriminator.onnx": d };
  return { ...shapes, readFile: (name) => Promise.resolve(files[name]) };
}

const goodG = () => mlpOnnx(G, { input: "z", output: "x" });
const goodD = () => mlpOnnx(D, { input: "x", output: "logit" });

test("openOnnxBackend() runs G then D and matches a float64 reference", async () => {
  const backend = await openOnnxBackend(pairInit(goodG(), goodD()));
  const z = Float32Array.of(0.5, -1, 2, 0, 0.25, -0.75); // [2, 3]
  const out = await backend.run(z, 2);
  const x = mlpReference(G, z);
  const logits = mlpReference(D, Float32Array.from(x));
  out.x.forEach((v, i) => assertAlmostEquals(v, x[i], 1e-5));
  out.logits.forEach((v, i) => assertAlmostEquals(v, logits[i], 1e-5));
  assert.deepEqual(Array.from(await backend.generate(z, 2)), Array.from(out.x));
  await assert.rejects(backend.run(z, 3), /'z' must hold n \* 3 values for n = 3: got 6/);
  await backend.dispose();
  await backend.dispose();
  await assert.rejects(backend.run(z, 2), /disposed/);
});

test("openOnnxBackend() refuses wrong names, ranks, sizes and fixed batches on open", async () => {
  const cases: [BackendInit, RegExp][] = [
    [
      pairInit(mlpOnnx(G, { input: "noise", output: "x" }), goodD()),
      /^RangeError: Cannot open 'generator\.onnx' as its input must be named 'z': got 'noise'$/,
    ],
    [
      pairInit(goodG(), mlpOnnx(D, { input: "x", output: "prob" })),
      /'discriminator\.onnx' as its output must be named 'logit': got 'prob'/,
    ],
    [
      pairInit(goodG(), mlpOnnx(D, { input: "x", output: "logit", inputShape: ["N", 1, 2] })),
      /input 'x' must have rank 2 and shape \[N, 2\]: got \[N, 1, 2\]/,
    ],
    [
      pairInit(goodG(), goodD(), { latentDim: 5, sampleShape: [2] }),
      /'generator\.onnx' as its input 'z' must have rank 2 and shape \[N, 5\]: got \[N, 3\]/,
    ],
    [
      pairInit(mlpOnnx(G, { input: "z", output: "x", inputShape: [1, 3] }), goodD()),
      /input 'z' has a fixed batch dimension 1: export it with a dynamic batch dimension/,
    ],
    [
      pairInit(goodG().slice(0, 100), goodD()),
      /^Error: Cannot open 'generator\.onnx' as ONNX Runtime cannot load it \(100 bytes\)/,
    ],
  ];
  for (const [init, message] of cases) await assert.rejects(openOnnxBackend(init), message);
});

test("openOnnxBackend() runs sampler.onnx when the model has one, matching G then D", async () => {
  const files: Record<string, Uint8Array> = {
    "generator.onnx": goodG(),
    "discriminator.onnx": goodD(),
    "sampler.onnx": fuseOnnxPair(goodG(), goodD()),
  };
  const requested: string[] = [];
  const init: BackendInit = {
    latentDim: 3,
    sampleShape: [2],
    readFile: (name) => (requested.push(name), Promise.resolve(files[name])),
  };
  const fused = await openOnnxBackend(init);
  const separate = await openOnnxBackend(init, { fused: false });
  assert.deepEqual(requested, [
    "generator.onnx",
    "discriminator.onnx",
    "sampler.onnx",
    "generator.onnx",
    "discriminator.onnx",
  ]);
  const z = Float32Array.from({ length: 5 * 3 }, (_, i) => Math.cos(i)); // [5, 3]
  const [a, b] = [await fused.run(z, 5), await separate.run(z, 5)];
  assert.deepEqual([Array.from(a.x), Array.from(a.logits)], [
    Array.from(b.x),
    Array.from(b.logits),
  ]);
  await Promise.all([fused.dispose(), separate.dispose()]);
  files["sampler.onnx"] = fuseOnnxPair(goodG(), mlpOnnx(D, { input: "x", output: "prob" }));
  await assert.rejects(
    openOnnxBackend(init),
    /Cannot open 'sampler\.onnx' as its outputs must be logit, x: got prob, x/,
  );
});

test("openBackend() dispatches by name and resolveBackend('auto') prefers onnx", async () => {
  const auto = await resolveBackend("auto", pairInit(goodG(), goodD()));
  assert.equal(auto.name, "onnx");
  await auto.dispose();
  const backend = await openBackend("onnx", pairInit(goodG(), goodD()));
  assert.equal(backend.name, "onnx");
  await backend.dispose();
  await assert.rejects(
    openBackend("tpu" as "onnx", pairInit(goodG(), goodD())),
    /Cannot open backend 'tpu' as it is not supported: supported backends are onnx, wasm/,
  );
});

test("openWasmBackend() refuses a sample shape the TF.js model does not have", async () => {
  await tf.setBackend("cpu");
  const g = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
  const d = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
  const files: Record<string, Uint8Array> = {};
  for (const [role, model] of [["generator", g], ["discriminator", d]] as const) {
    const saved = await tfjsModelFiles(model);
    files[`tfjs/${role}/model.json`] = saved.modelJson;
    files[`tfjs/${role}/weights.bin`] = saved.weights;
  }
  const init = (sampleShape: number[]): BackendInit => ({
    latentDim: 3,
    sampleShape,
    readFile: (name) => Promise.resolve(files[name]),
  });
  const options = { wasm: { wasmPaths: denoWasmPaths() } };
  await assert.rejects(
    openBackend("wasm", init([4]), options),
    /'tfjs\/generator\/model\.json' as its output 'x' must have rank 2 and shape \[N, 4\]: got \[N, 2\]/,
  );
  const backend = await openBackend("wasm", init([2]), options);
  assert.equal((await backend.run(Float32Array.of(1, 2, 3), 1)).logits.length, 1);
  await backend.dispose();
});

test("loadLayersModelFromBytes() refuses short weights and foreign weight paths", async () => {
  await tf.setBackend("cpu");
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
  const saved = await tfjsModelFiles(model);
  const names = { modelJson: "tfjs/generator/model.json", weights: "tfjs/generator/weights.bin" };
  await assert.rejects(
    loadLayersModelFromBytes({ ...saved, weights: saved.weights.slice(0, 20) }, names),
    /'tfjs\/generator\/weights\.bin' as '.*model\.json' describes 32 bytes of weights: got 20/,
  );
  const json = JSON.parse(new TextDecoder().decode(saved.modelJson));
  json.weightsManifest[0].paths = ["group1-shard1of1.bin"];
  const modelJson = new TextEncoder().encode(JSON.stringify(json));
  await assert.rejects(
    loadLayersModelFromBytes({ modelJson, weights: saved.weights }, names),
    (
      error: Error,
    ) => (assert.match(error.message, /must name the single file 'weights\.bin'/), true),
  );
});
