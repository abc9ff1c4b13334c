/**
 * A small untrained points2d model folder (`tiny/`: ONNX, TF.js and a valid manifest) for the
 * Worker test when no shipped model is present. Run as a script so TF.js stays out of the test
 * process: `deno run -A testing/worker_fixture.ts <models-dir>`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { exportModelPair } from "../train/export/mod.ts";
import { writeManifest } from "../train/write_manifest.ts";
import { mlp } from "./tfjs_models.ts";

/** Writes `<dir>/tiny/` and returns the model id. */
export async function writeTinyModel(dir: string): Promise<string> {
  await tf.setBackend("cpu");
  const latentDim = 8;
  const g = mlp([latentDim, 32, 32, 2], "tiny_g");
  const d = mlp([2, 32, 32, 1], "tiny_d");
  const out = `${dir}/tiny`;
  const files = await exportModelPair({ generator: g, discriminator: d }, out);
  // F quantiles of D's logits on generated samples, so `acceptance=` maps to a gamma.
  const logits = tf.tidy(() => {
    const x = g.predict(tf.randomNormal([1000, latentDim], 0, 1, "float32", 3)) as tf.Tensor;
    return (d.predict(x) as tf.Tensor).dataSync();
  });
  const sorted = Float64Array.from(logits).sort();
  const fQuantiles = Array.from({ length: 101 }, (_, q) => sorted[Math.round(q * 9.99)]);
  await writeManifest(out, {
    id: "tiny",
    kind: "points2d",
    description: "untrained MLP pair for the Worker test (testing/worker_fixture.ts)",
    latentDim,
    sampleShape: [2],
    outputRange: [-3, 3],
    drs: {
      logM: sorted[sorted.length - 1],
      gamma: fQuantiles[50],
      epsilon: 1e-6,
      percentile: 50,
      burnInSamples: 1000,
      expectedAcceptance: 0.5,
      fQuantiles,
    },
    files,
  });
  return "tiny";
}

if (import.meta.main) {
  console.log(await writeTinyModel(Deno.args[0]));
}
