/**
 * Export parity of the random-Fourier-feature ratio estimator: the train-time TF.js model
 * (cpu), ONNX Runtime on the exported `discriminator.onnx` and fused `sampler.onnx`, and
 * tfjs-backend-wasm on the exported TF.js model (FourierFeatures registered) agree within 1e-5
 * on fixed inputs, and both agree with a float64 reference of the same math. Inputs span the
 * grid and B's scale is large (8), so phases reach about 100 where one float32 rounding is
 * 8e-6: the test fails if the runtimes round the phase differently.
 */

import { isolatedTest } from "../testing/isolated.ts";
import * as tf from "@tensorflow/tfjs";
import { ok as assert, strictEqual } from "node:assert/strict";
import onnxProto from "onnx-proto";
import { openBackend } from "../backends/mod.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { registerFourierFeatures } from "../backends/fourier_features.ts";
import { normals } from "../shared/rng.ts";
import { exportModelPair, exportOnnx } from "../train/export/mod.ts";
import { buildRatioEstimator } from "../train/ratio/model.ts";
import { grid25, samplePoints } from "../train/data/gaussians.ts";
import { maxAbsDiff } from "../testing/parity.ts";
import { mlp } from "../testing/tfjs_models.ts";

const test = isolatedTest(import.meta.url);
const TOLERANCE = 1e-5;

/** The estimator's logits in float64 from its weights: sin/cos features, ReLU MLP. */
function reference(model: tf.LayersModel, x: Float32Array, n: number): Float64Array {
  // Layer by layer: model.getWeights() lists trainable weights first, B (not trainable) last.
  const weights = model.layers.flatMap((l) => l.getWeights().map((w) => Array.from(w.dataSync())));
  const [b, ...dense] = weights; // B [2, units], then kernel/bias pairs
  const units = b.length / 2;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const phase = Array.from(
      { length: units },
      (_, j) => x[2 * i] * b[j] + x[2 * i + 1] * b[units + j],
    );
    let h = [...phase.map(Math.sin), ...phase.map(Math.cos)];
    for (let k = 0; k < dense.length; k += 2) {
      const kernel = dense[k], bias = dense[k + 1], outDim = bias.length;
      const next = bias.slice();
      for (let o = 0; o < outDim; o++) {
        for (let j = 0; j < h.length; j++) next[o] += h[j] * kernel[j * outDim + o];
      }
      h = k + 2 < dense.length ? next.map((v) => Math.max(0, v)) : next;
    }
    out[i] = h[0];
  }
  return out;
}

test("FourierFeatures estimator: cpu, onnx, fused sampler and wasm agree within 1e-5", async () => {
  await tf.setBackend("cpu");
  const generator = mlp([16, 64, 64, 2], "g");
  const estimator = buildRatioEstimator(2, { frequencies: 64, scale: 8, hidden: 64, seed: 3 });
  const dir = await Deno.makeTempDir();
  try {
    await exportModelPair({ generator, discriminator: estimator }, dir);
    const graph = onnxProto.onnx.ModelProto.decode(
      await Deno.readFile(`${dir}/discriminator.onnx`),
    );
    const ops = graph.graph!.node!.map((n) => n.opType);
    // The phase as the layer computes it (per-dimension Mul then Add, no fused MatMul).
    strictEqual(ops.slice(0, 8).join(","), "Gather,Mul,Gather,Mul,Add,Sin,Cos,Concat");
    // Fixed inputs: grid points with their mode noise, and a sweep across the whole square.
    const n = 512;
    const x = new Float32Array(2 * n);
    x.set(samplePoints(grid25(), 5, { start: 0, count: n / 2 }));
    for (let i = n / 2; i < n; i++) x.set([-4.5 + (9 * i) / n, 4.5 - (13 * i % 9)], 2 * i);
    const expected = tf.tidy(() =>
      (estimator.predict(tf.tensor2d(x, [n, 2])) as tf.Tensor).dataSync() as Float32Array
    );
    const exact = reference(estimator, x, n);
    console.log(`  cpu vs float64: ${maxAbsDiff(expected, exact).toExponential(2)}`);
    assert(maxAbsDiff(expected, exact) <= 1e-4);
    // The features alone: sin and cos of phases up to about 100 agree to a few float32 ulps of
    // 1 (a phase rounded differently would show as up to 8e-6).
    const features = tf.sequential({ layers: [estimator.layers[0]] });
    const { InferenceSession, Tensor } = await import("onnxruntime-node");
    const session = await InferenceSession.create(
      exportOnnx(features, { inputName: "x", outputName: "f" }),
    );
    const f = (await session.run({ x: new Tensor("float32", x, [n, 2]) })).f.data as Float32Array;
    const fRef = tf.tidy(() => (features.predict(tf.tensor2d(x, [n, 2])) as tf.Tensor).dataSync());
    console.log(`  features onnx vs cpu: ${maxAbsDiff(f, fRef).toExponential(2)}`);
    assert(maxAbsDiff(f, fRef) <= 1e-6);
    await session.release();
    registerFourierFeatures(); // the wasm backend loads the TF.js model only once registered
    const init = {
      latentDim: 16,
      sampleShape: [2],
      readFile: (name: string) => Deno.readFile(`${dir}/${name}`),
    };
    const z = normals(9, { start: 0, count: n, dim: 16 }); // [n, 16]
    for (const name of ["onnx", "wasm"] as const) {
      const backend = await openBackend(name, init, { wasm: { wasmPaths: denoWasmPaths() } });
      try {
        const logits = await backend.discriminate(x, n);
        const d = maxAbsDiff(logits, expected);
        console.log(`  ${name} vs cpu: max |dlogit| ${d.toExponential(2)}`);
        assert(d <= TOLERANCE, `${name}: ${d} > ${TOLERANCE}`);
        // run() goes through sampler.onnx on ONNX Runtime: G and the estimator fused.
        const out = await backend.run(z, n);
        const dFused = maxAbsDiff(out.logits, await backend.discriminate(out.x, n));
        assert(dFused <= TOLERANCE, `${name} run() vs discriminate(): ${dFused}`);
      } finally {
        await backend.dispose();
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
