import assert from "node:assert/strict";
import { loadMnist, loadMnistDataset } from "./mnist.ts";

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
