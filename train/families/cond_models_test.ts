import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  buildCondDiscriminator,
  buildCondGenerator,
  exportedDiscriminator,
  freezeFeatures,
} from "./cond_models.ts";

Deno.test("buildCondGenerator() maps z and a class to [n, 28, 28, 1] in [-1, 1]", async () => {
  await tf.setBackend("cpu");
  const g = buildCondGenerator(8, { gridChannels: 4, convs: [{ at: 14, filters: 3 }] });
  const x = g.predict([tf.randomNormal([5, 8]), tf.tensor2d([0, 1, 2, 3, 9], [5, 1], "int32")]);
  assert.deepEqual((x as tf.Tensor).shape, [5, 28, 28, 1]);
  assert.ok((x as tf.Tensor).abs().max().dataSync()[0] <= 1);
  assert.throws(
    () => buildCondGenerator(8, { convs: [{ at: 14, filters: 3 }, { at: 7, filters: 3 }] }),
    /non-decreasing resolutions: got 7 after 14/,
  );
});

Deno.test("buildCondDiscriminator() exports the projection logit, with or without a class head", async () => {
  await tf.setBackend("cpu");
  const x = tf.randomNormal([4, 28, 28, 1]), y = tf.tensor2d([1, 1, 7, 3], [4, 1], "int32");
  for (const classHead of [false, true]) {
    const d = buildCondDiscriminator({ width: 2, features: 8, classHead });
    assert.equal(d.heads.outputs.length, classHead ? 2 : 1);
    const logit = d.model.predict([x, y]) as tf.Tensor;
    const heads = [d.heads.predict([x, y])].flat() as tf.Tensor[];
    assert.deepEqual(logit.shape, [4, 1]);
    assert.deepEqual(Array.from(heads[0].dataSync()), Array.from(logit.dataSync()));
    if (classHead) assert.deepEqual(heads[1].shape, [4, 10]);
    // The projection logit depends on the class.
    const other = d.model.predict([x, tf.tensor2d([2, 2, 2, 2], [4, 1], "int32")]) as tf.Tensor;
    assert.notDeepEqual(Array.from(other.dataSync()), Array.from(logit.dataSync()));
    assert.equal(exportedDiscriminator(d.heads).outputs.length, 1);
  }
});

Deno.test("freezeFeatures() leaves only D's head (psi and the class projection) trainable", async () => {
  await tf.setBackend("cpu");
  const d = buildCondDiscriminator({ width: 2, features: 8 }).model;
  const before = d.trainableWeights.length;
  freezeFeatures(d);
  const names = d.trainableWeights.map((w) => w.name);
  assert.ok(names.length > 0 && names.length < before, `${before} -> ${names}`);
  assert.ok(names.every((n) => /discriminator_(psi|embed)/.test(n)), names.join(", "));
  assert.throws(
    () =>
      freezeFeatures(tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] })),
    /Cannot use '--init d-features' as D has no discriminator_conv/,
  );
});
