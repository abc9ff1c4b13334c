import assert from "node:assert/strict";
import { assertAlmostEquals } from "../../testing/assert.ts";
import * as tf from "@tensorflow/tfjs";
import { loadMnist, scaledPixels } from "../data/mnist.ts";
import { setupTf } from "../tf_setup.ts";
import { classify } from "./features.ts";
import { buildClassifier, FEATURE_LAYER } from "./model.ts";
import { trainClassifier } from "./train.ts";

Deno.test("buildClassifier() CNN maps [n, 28, 28, 1] to 10 logits through a 128-unit feature layer", async () => {
  assert.deepEqual(await setupTf("wasm"), "wasm");
  const model = buildClassifier();
  assert.deepEqual(model.getLayer(FEATURE_LAYER).outputShape, [null, 128]);
  assert.deepEqual(model.outputs[0].shape, [null, 10]);
  assert.ok(model.layers.some((l) => l.getClassName() === "Conv2D"), "has conv layers");
  // 5x5x1x32 + 32, 5x5x32x64 + 64, 3136x128 + 128, 128x10 + 10
  assert.deepEqual(model.countParams(), 832 + 51_264 + 401_536 + 1_290);
  model.dispose();
});

Deno.test("classify() gives a CNN's penultimate features and softmax probabilities", async () => {
  assert.deepEqual(await setupTf("wasm"), "wasm");
  const model = buildClassifier({ seed: 3 });
  const n = 5;
  const images = Float32Array.from({ length: n * 784 }, (_, i) => Math.sin(i * 0.37));
  const { features, featureDim, probs } = classify(model, images, n, { batch: 2 });
  assert.deepEqual(featureDim, 128);
  // Independent path: run the layers one by one (inference mode) up to the feature layer.
  const want = tf.tidy(() => {
    let h: tf.Tensor = tf.tensor4d(images, [n, 28, 28, 1]);
    for (const layer of model.layers) {
      h = layer.apply(h, { training: false }) as tf.Tensor;
      if (layer.name === FEATURE_LAYER) break;
    }
    return h.dataSync();
  });
  want.forEach((v, i) => assertAlmostEquals(features[i], v, 1e-4));
  for (let i = 0; i < n; i++) {
    const row = probs.subarray(i * 10, (i + 1) * 10);
    assertAlmostEquals(row.reduce((a, b) => a + b, 0), 1, 1e-5);
  }
  model.dispose();
});

Deno.test("trainClassifier() trains the CNN on wasm: > 80% on 1,000 MNIST test images from 2,048 training images", async () => {
  assert.deepEqual(await setupTf("wasm"), "wasm");
  const [train, test] = [await loadMnist("train"), await loadMnist("test")];
  const slice = (s: typeof train, count: number) => ({
    count,
    images: s.images.subarray(0, count * 784),
    labels: s.labels.subarray(0, count),
  });
  const trained = await trainClassifier(slice(train, 2048), slice(test, 1000), {
    epochs: 3,
    batch: 64,
    maxShift: 0,
  });
  assert.ok(trained.testAccuracy > 0.8, `test accuracy ${trained.testAccuracy}`);
  // The weights moved from their initial values (conv filter gradients reached them).
  const initial = buildClassifier().getLayer("classifier_conv1").getWeights()[0];
  const now = trained.model.getLayer("classifier_conv1").getWeights()[0];
  assert.ok(tf.sub(now, initial).abs().max().dataSync()[0] > 1e-3, "conv1 kernel changed");
  const { probs } = classify(trained.model, scaledPixels(test, 0, 3), 3);
  assert.deepEqual(probs.length, 30);
  trained.model.dispose();
});

Deno.test("train/cli.ts classifier names a bad --dataset in one line", async () => {
  const cli = new URL("../cli.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, "classifier", "--dataset", "cifar"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.deepEqual(out.code, 2);
  const err = new TextDecoder().decode(out.stderr).trim();
  assert.ok(err.includes("'--dataset'") && err.includes("mnist, fashion"), err);
  assert.deepEqual(err.split("\n").length, 1, err);
});
