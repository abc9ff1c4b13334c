/**
 * Export parity of class-conditional pairs: the exported ONNX graphs (onnxruntime-node) and
 * the exported TF.js models (reloaded on tfjs-backend-wasm) agree with the train-time TF.js
 * models (cpu backend) within 1e-5 on fixed inputs, for G, D (projection and ACGAN) and the
 * fused sampler; and the exporter's merges (Add, Multiply, Concatenate, Dot) on branching
 * graphs.
 */

import { isolatedTest } from "../testing/isolated.ts";
import * as tf from "@tensorflow/tfjs";
import { deepStrictEqual as assertEquals, ok as assert, throws } from "node:assert/strict";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { normals } from "../shared/rng.ts";
import { exportModelPair, exportOnnx, fuseOnnxPair, loadTfjsModel } from "../train/export/mod.ts";
import { buildCondDiscriminator, buildCondGenerator } from "../train/families/cond_models.ts";
import { maxAbsDiff } from "../testing/parity.ts";
import { randomizeBatchNorm } from "../testing/tfjs_models.ts";

const test = isolatedTest(import.meta.url);

const TOLERANCE = 1e-5;
const N = 12, LATENT = 16;

/** Scales every weight so that logits and pixels are far from 0 (a meaningful tolerance). */
function spread(model: tf.LayersModel, factor: number): void {
  model.setWeights(model.getWeights().map((w) => w.mul(factor)));
}

async function onnxRun(
  bytes: Uint8Array,
  feeds: Record<
    string,
    { type: "float32" | "int64"; data: Float32Array | BigInt64Array; dims: number[] }
  >,
): Promise<Record<string, Float32Array>> {
  const { InferenceSession, Tensor } = await import("onnxruntime-node");
  const session = await InferenceSession.create(bytes);
  const inputs = Object.fromEntries(
    Object.entries(feeds).map(([k, v]) => [k, new Tensor(v.type, v.data, v.dims)]),
  );
  const out = await session.run(inputs);
  await session.release();
  return Object.fromEntries(
    Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]),
  );
}

for (const conditioning of ["proj", "acgan"] as const) {
  test(`exportModelPair() conditional ${conditioning} pair: onnx, wasm and cpu agree`, async () => {
    await tf.setBackend("cpu");
    // Every layer kind G uses: a conv at each resolution, upsampling twice, a 5 x 5 output.
    const convs = [{ at: 7, filters: 8 }, { at: 14, filters: 6 }, { at: 28, filters: 4 }] as const;
    const g = buildCondGenerator(LATENT, {
      gridChannels: 8,
      convs,
      outKernel: 5,
      embedDim: 4,
      seed: 3,
    });
    randomizeBatchNorm(g, 5);
    const d = buildCondDiscriminator({ width: 4, features: 16, conditioning, seed: 4 });
    spread(d.heads, 1.6);
    const dir = await Deno.makeTempDir({ prefix: "drs-cond-export-" });
    const files = await exportModelPair({ generator: g, discriminator: d.model }, dir);
    const z = normals(42, { start: 0, count: N, dim: LATENT }); // [N, latent]
    const labels = Int32Array.from({ length: N }, (_, i) => (i * 7) % 10);
    const [xRef, logitRef] = tf.tidy(() => {
      const y = tf.tensor2d(labels, [N, 1], "int32");
      const x = g.predict([tf.tensor2d(z, [N, LATENT]), y]) as tf.Tensor;
      return [x.dataSync(), (d.model.predict([x, y]) as tf.Tensor).dataSync()];
    });
    const spreadOf = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));
    assert(spreadOf(logitRef) > 0.1, `logits too small to test: ${spreadOf(logitRef)}`);
    const cls = { type: "int64" as const, data: BigInt64Array.from(labels, BigInt), dims: [N] };
    const zFeed = { type: "float32" as const, data: z, dims: [N, LATENT] };
    const xFeed = { type: "float32" as const, data: Float32Array.from(xRef), dims: [N, 28, 28, 1] };
    const read = (name: string) => Deno.readFile(`${dir}/${files[name].path}`);
    const gOut = await onnxRun(await read("generator.onnx"), { z: zFeed, class: cls });
    const dOut = await onnxRun(await read("discriminator.onnx"), { x: xFeed, class: cls });
    const sOut = await onnxRun(await read("sampler.onnx"), { z: zFeed, class: cls });
    const diffs = {
      g: maxAbsDiff(gOut.x, xRef),
      d: maxAbsDiff(dOut.logit, logitRef),
      samplerX: maxAbsDiff(sOut.x, xRef),
      samplerLogit: maxAbsDiff(sOut.logit, logitRef),
    };
    // The TF.js files, reloaded with TF.js's own IO, on the wasm serving backend.
    setWasmPaths(denoWasmPaths());
    await tf.setBackend("wasm");
    const [gw, dw] = [
      await loadTfjsModel(`${dir}/tfjs/generator`),
      await loadTfjsModel(`${dir}/tfjs/discriminator`),
    ];
    const [xw, lw] = tf.tidy(() => {
      const y = tf.tensor2d(labels, [N, 1], "int32");
      const x = gw.predict([tf.tensor2d(z, [N, LATENT]), y]) as tf.Tensor;
      // TF.js drops an input no output depends on: the ACGAN D reloads as `x -> logit`.
      const dInputs = conditioning === "acgan" ? x : [x, y];
      return [x.dataSync(), (dw.predict(dInputs) as tf.Tensor).dataSync()];
    });
    assertEquals(dw.inputs.length, conditioning === "acgan" ? 1 : 2);
    Object.assign(diffs, { wasmX: maxAbsDiff(xw, xRef), wasmLogit: maxAbsDiff(lw, logitRef) });
    console.log(`  ${conditioning}: ${JSON.stringify(diffs)}`);
    for (const [k, v] of Object.entries(diffs)) assert(v <= TOLERANCE, `${k}: ${v} > ${TOLERANCE}`);
    assertEquals(gw.inputs.map((t) => [t.shape, t.dtype]), [[[null, LATENT], "float32"], [
      [null, 1],
      "int32",
    ]]);
    await Deno.remove(dir, { recursive: true });
    await tf.setBackend("cpu");
  });
}

test("exportOnnx() exports branches and merges: Add, Multiply, Concatenate, Dot", async () => {
  await tf.setBackend("cpu");
  const input = tf.input({ shape: [6] });
  const a = tf.layers.dense({ units: 4, activation: "tanh" }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
  const product = tf.layers.multiply().apply([sum, b]) as tf.SymbolicTensor;
  const both = tf.layers.concatenate().apply([product, a]) as tf.SymbolicTensor; // [N, 8]
  const c = tf.layers.dense({ units: 8 }).apply(input) as tf.SymbolicTensor;
  const dot = tf.layers.dot({ axes: 1 }).apply([both, c]) as tf.SymbolicTensor; // [N, 1]
  const model = tf.model({ inputs: input, outputs: dot });
  const x = normals(5, { start: 0, count: 7, dim: 6 }); // [7, 6]
  const out = await onnxRun(exportOnnx(model, { inputName: "x", outputName: "y" }), {
    x: { type: "float32", data: x, dims: [7, 6] },
  });
  const want = tf.tidy(() => (model.predict(tf.tensor2d(x, [7, 6])) as tf.Tensor).dataSync());
  assert(maxAbsDiff(out.y, want) <= TOLERANCE, `${maxAbsDiff(out.y, want)}`);
});

test("exportOnnx() and fuseOnnxPair() refuse what they cannot export or wire", async () => {
  await tf.setBackend("cpu");
  const label = tf.input({ shape: [1], dtype: "int32" });
  const dense = tf.layers.dense({ units: 2, name: "reads_class" }).apply(label);
  const bad = tf.model({ inputs: label, outputs: dense as tf.SymbolicTensor });
  throws(
    () => exportOnnx(bad, { inputName: "class", outputName: "y" }),
    /Cannot export 'Dense' layer 'reads_class' as it reads a class index input/,
  );
  const g = buildCondGenerator(LATENT, { gridChannels: 4, convs: [], embedDim: 2 });
  throws(
    () => exportOnnx(g, { inputName: "z", outputName: "x" }),
    /as it has 2 inputs: got 1 input names/,
  );
  const d = buildCondDiscriminator({ width: 2, features: 4 }).model;
  const gBytes = exportOnnx(g, { inputName: ["z", "class"], outputName: "x" });
  const dBytes = exportOnnx(d, { inputName: ["x", "label"], outputName: "logit" });
  throws(
    () => fuseOnnxPair(gBytes, dBytes),
    /discriminator input 'label' is not a generator input: expected one of z, class/,
  );
  const up = tf.sequential({
    layers: [
      tf.layers.upSampling2d({ inputShape: [4, 4, 1], interpolation: "bilinear", name: "up" }),
    ],
  });
  throws(
    () => exportOnnx(up, { inputName: "x", outputName: "y" }),
    /'UpSampling2D' layer 'up' as only 'nearest' interpolation is supported/,
  );
});
