import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { trainRatioEstimator } from "./train.ts";
import { buildRatioEstimator } from "./model.ts";
import { normals } from "../../shared/rng.ts";

/** Reals ~ N((0.5, 0), 0.25^2 I), fakes ~ N((-0.5, 0), 0.25^2 I): log ratio = x / 0.25^2 = 16 x. */
function gaussians(seedReal: number, seedFake: number) {
  const draw = (seed: number, shift: number) => (start: number, count: number) =>
    normals(seed, { start, count, dim: 2 }).map((v, i) => 0.25 * v + (i % 2 === 0 ? shift : 0));
  return {
    sampleShape: [2],
    real: draw(seedReal, 0.5),
    realHeldOut: draw(seedReal + 100, 0.5),
    fake: (start: number, count: number) => Promise.resolve(draw(seedFake, -0.5)(start, count)),
    fakeHeldOut: (start: number, count: number) =>
      Promise.resolve(draw(seedFake + 100, -0.5)(start, count)),
  };
}

Deno.test("trainRatioEstimator() learns the log density ratio of two Gaussians", async () => {
  await tf.setBackend("cpu");
  for (const emaDecay of [0, 0.99]) {
    const model = buildRatioEstimator(2, { frequencies: 16, scale: 1, hidden: 32, layers: 1 });
    const result = await trainRatioEstimator(model, gaussians(1, 2), {
      steps: 400,
      batch: 128,
      lr: 3e-3,
      evalEvery: 100,
      checkSize: 2048,
      emaDecay,
    });
    assert.ok(result.heldOutLossAfter < result.heldOutLossBefore, JSON.stringify(result));
    // The Bayes-optimal held-out BCE (real + fake terms) is about 0.122 here.
    assert.ok(result.heldOutLossAfter < 0.15, `held-out ${result.heldOutLossAfter}`);
    const x = tf.tensor2d([-0.5, 0, 0, 0, 0.5, 0, 0.25, 0.3], [4, 2]);
    const logits = (model.predict(x) as tf.Tensor).dataSync();
    const truth = [-8, 0, 8, 4];
    logits.forEach((l, i) =>
      assert.ok(Math.abs(l - truth[i]) < 1.5, `ema ${emaDecay}: ${l} vs ${truth[i]}`)
    );
    x.dispose();
    model.dispose();
  }
});

Deno.test("trainRatioEstimator() refuses an EMA decay outside [0, 1)", async () => {
  await tf.setBackend("cpu");
  const model = buildRatioEstimator(2, { frequencies: 4, hidden: 4, layers: 1 });
  await assert.rejects(
    () => trainRatioEstimator(model, gaussians(1, 2), { steps: 1, checkSize: 8, emaDecay: 1 }),
    { name: "RangeError", message: /'emaDecay' must be in \[0, 1\): current value is 1/ },
  );
  model.dispose();
});
