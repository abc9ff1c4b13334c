import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { labelledSource } from "./labelled_source.ts";

/** 40 images whose pixels all equal their index, labelled index % 10. */
function tinySplit() {
  const count = 40;
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) images.fill(i, i * 784, (i + 1) * 784);
  return { count, images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10) };
}

Deno.test("labelledSource() keeps held-out images out of training batches, labels aligned", async () => {
  await tf.setBackend("cpu");
  const source = labelledSource(tinySplit(), { heldOut: 8, seed: 2 });
  const index = (x: tf.Tensor) =>
    Array.from(
      { length: x.shape[0] },
      (_, k) => Math.round((x.slice([k, 0, 0, 0], [1, 1, 1, 1]).dataSync()[0] + 1) * 127.5),
    );
  const held = source.heldOut(0, 8);
  const heldIds = index(held.x);
  assert.deepEqual(Array.from(held.y.dataSync()), heldIds.map((i) => i % 10));
  const train = source.train(0, 200);
  const trainIds = index(train.x);
  assert.ok(trainIds.every((i) => !heldIds.includes(i)), "a held-out image was drawn for training");
  assert.deepEqual(Array.from(train.y.dataSync()), trainIds.map((i) => i % 10));
  assert.deepEqual(new Set(trainIds).size, 32, "every training image is drawn in 200 tries");
  assert.throws(() => source.heldOut(4, 5), {
    name: "RangeError",
    message: /only\ 8\ are\ held\ out/,
  });
});
