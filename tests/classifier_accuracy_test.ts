/** The shipped MNIST classifier: its recorded accuracy holds on the 10,000 test images. */
import assert from "node:assert/strict";
import { assertAlmostEquals } from "../testing/assert.ts";
import { loadLayersModelFromBytes } from "../backends/tfjs_load.ts";
import { classify } from "../train/classifier/features.ts";
import { accuracy } from "../train/classifier/train.ts";
import { loadMnist, scaledPixels } from "../train/data/mnist.ts";
import { setupTf } from "../train/tf_setup.ts";

const DIR = new URL("../models/mnist/classifier/", import.meta.url);

Deno.test("models/mnist/classifier reaches >= 98.5% test accuracy, as recorded", async () => {
  await setupTf("wasm");
  const model = await loadLayersModelFromBytes({
    modelJson: await Deno.readFile(new URL("model.json", DIR)),
    weights: await Deno.readFile(new URL("weights.bin", DIR)),
  }, { modelJson: "model.json", weights: "weights.bin" });
  const test = await loadMnist("test");
  const { probs, featureDim } = classify(model, scaledPixels(test, 0, test.count), test.count);
  const acc = accuracy(probs, test.labels);
  assert.ok(acc >= 0.985, `test accuracy ${acc}`);
  assert.ok(featureDim === 256, `feature dimension ${featureDim}`);
  const recorded = JSON.parse(await Deno.readTextFile(new URL("classifier.json", DIR)));
  assertAlmostEquals(acc, recorded.testAccuracy, 1e-9);
  model.dispose();
});
