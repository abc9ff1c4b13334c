/** The shipped MNIST classifier: its recorded accuracy holds on the 10,000 test images. */
import assert from "node:assert/strict";
import { assertAlmostEquals } from "../testing/assert.ts";
import { loadLayersModelFromBytes } from "../backends/tfjs_load.ts";
import { parseManifestText } from "../shared/manifest.ts";
import { classify } from "../train/classifier/features.ts";
import { accuracy } from "../train/classifier/train.ts";
import { loadMnist, scaledPixels } from "../train/data/mnist.ts";
import { setupTf } from "../train/tf_setup.ts";

const DIR = new URL("../models/mnist/", import.meta.url);

Deno.test("models/mnist/classifier reaches >= 99.0% test accuracy, as its manifest records", async () => {
  await setupTf("wasm");
  const manifest = parseManifestText(await Deno.readTextFile(new URL("manifest.json", DIR)));
  const model = await loadLayersModelFromBytes({
    modelJson: await Deno.readFile(new URL("classifier/model.json", DIR)),
    weights: await Deno.readFile(new URL("classifier/weights.bin", DIR)),
  }, { modelJson: "model.json", weights: "weights.bin" });
  const test = await loadMnist("test");
  const { probs } = classify(model, scaledPixels(test, 0, test.count), test.count);
  const acc = accuracy(probs, test.labels);
  assert.ok(acc >= 0.99, `test accuracy ${acc}`);
  const recorded = manifest.metrics?.classifier as { testAccuracy: number; testImages: number };
  assert.equal(recorded.testImages, test.count);
  assertAlmostEquals(acc, recorded.testAccuracy, 1e-9);
  model.dispose();
});
