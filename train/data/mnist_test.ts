import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals } from "../../testing/assert.ts";
import { loadMnist, loadMnistDataset, mnistSource, scaledPixels } from "./mnist.ts";

Deno.test("loadMnist() reads the test split with the published label counts", async () => {
  const test = await loadMnist("test");
  assert.equal(test.count, 10_000);
  assert.equal(test.images.length, 10_000 * 784);
  const counts = new Array(10).fill(0);
  for (const l of test.labels) counts[l]++;
  // The MNIST test set's digit counts (LeCun et al.).
  assert.deepEqual(counts, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  assert.equal(test.labels[0], 7); // the well-known first test digit
});

Deno.test("loadMnist() says which file is missing", async () => {
  await assert.rejects(() => loadMnist("test", { dir: new URL("file:///nonexistent-mnist/") }), {
    name: "Error",
    message: /Cannot read MNIST as 't10k-images-idx3-ubyte' is missing/,
  });
});

Deno.test("mnistSource() gives [n, 28, 28, 1] in [-1, 1] and a disjoint held-out slice", async () => {
  const train = await loadMnist("train");
  const source = mnistSource(train, { heldOut: 5000, seed: 3 });
  const batch = source.train(0, 8);
  assert.deepEqual(batch.shape, [8, 28, 28, 1]);
  const [lo, hi] = [batch.min().dataSync()[0], batch.max().dataSync()[0]];
  assert.deepEqual([lo, hi], [-1, 1]);
  const held = source.heldOut(10, 2);
  const want = scaledPixels(train, 55_010, 2);
  const got = held.dataSync();
  for (let i = 0; i < want.length; i += 97) assertAlmostEquals(got[i], want[i], 1e-7);
  // Same (seed, index) -> same images; different seeds -> different picks.
  const again = source.train(0, 8);
  assert.equal(tf.sub(batch, again).abs().max().dataSync()[0], 0);
  assert.throws(() => source.heldOut(4999, 2), {
    name: "RangeError",
    message: /only 5000 are held out/,
  });
  assert.throws(() => mnistSource(train, { heldOut: 60_000 }), {
    name: "RangeError",
    message: /Cannot hold out/,
  });
  tf.dispose([batch, held, again]);
});

Deno.test("loadMnistDataset() keeps MNIST's official split and describes it", async () => {
  const d = await loadMnistDataset();
  assert.deepEqual(d.classes.length, 10);
  assert.deepEqual([d.train.count, d.test.count], [60_000, 10_000]);
  assert.deepEqual(d.split.method, "official");
  assert.deepEqual(d.split.testPerClass, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  assert.deepEqual(d.split.trainPerClass.reduce((a, b) => a + b), 60_000);
  assert.deepEqual(d.split.skipped.count, 0);
  assert.deepEqual(d.test.labels[0], 7);
});
