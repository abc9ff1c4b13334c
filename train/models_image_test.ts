import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { assertClose } from "../testing/assert.ts";
import { openOnnxBackend } from "../backends/onnx_node.ts";
import { exportModelPair } from "./export/mod.ts";
import { buildImageDiscriminator, buildImageGenerator } from "./models_image.ts";
import { normals } from "../shared/rng.ts";
import { isolatedTest } from "../testing/isolated.ts";

// onnxruntime-node allows one isolate per process: run this module in its own process.
const test = isolatedTest(import.meta.url);

test("buildImageGenerator()/Discriminator() give [n, 28, 28, 1] in [-1, 1] and [n, 1]", () => {
  for (const arch of ["mlp", "dcgan"] as const) {
    const G = buildImageGenerator(8, { arch, width: 32, seed: 2 });
    const D = buildImageDiscriminator({ arch, width: 32, seed: 3 });
    const x = tf.tidy(() => G.predict(tf.randomNormal([4, 8], 0, 3)) as tf.Tensor);
    assert.deepEqual(x.shape, [4, 28, 28, 1]);
    assert.ok(x.abs().max().dataSync()[0] <= 1, "tanh range");
    const logit = D.predict(x) as tf.Tensor;
    assert.deepEqual(logit.shape, [4, 1]);
    tf.dispose([x, logit]);
    G.dispose();
    D.dispose();
  }
});

test("the MLP image pair exports to ONNX and matches tfjs through the serving backend", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drs-image-export-" });
  try {
    const G = buildImageGenerator(8, { width: 32, seed: 5 });
    const D = buildImageDiscriminator({ width: 32, seed: 6 });
    const files = await exportModelPair({ generator: G, discriminator: D }, dir, { tfjs: false });
    const backend = await openOnnxBackend({
      latentDim: 8,
      sampleShape: [28, 28, 1],
      readFile: (name) => Deno.readFile(`${dir}/${files[name].path}`),
    });
    const z = normals(9, { start: 0, count: 6, dim: 8 }); // [6, 8]
    const out = await backend.run(z, 6);
    const [wantX, wantLogit] = tf.tidy(() => {
      const x = G.predict(tf.tensor2d(z, [6, 8])) as tf.Tensor;
      return [x.dataSync(), (D.predict(x) as tf.Tensor).dataSync()];
    });
    assert.equal(out.x.length, 6 * 784);
    for (let i = 0; i < wantX.length; i += 37) {
      assertClose(out.x[i], wantX[i], { rel: 1e-4, abs: 1e-5 });
    }
    wantLogit.forEach((v, i) => assertClose(out.logits[i], v, { rel: 1e-4, abs: 1e-5 }));
    await backend.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
