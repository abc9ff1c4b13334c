/**
 * The train-time models (in memory, on the active tfjs backend) behind the serving
 * {@linkcode Backend} interface, so calibration and evaluation code is shared.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Backend } from "../backends/mod.ts";

/** Wraps an in-memory G and D (D returns logits). Disposing does not dispose the models. */
export function inMemoryBackend(
  models: { generator: tf.LayersModel; discriminator: tf.LayersModel },
  shapes: { latentDim: number; sampleShape: readonly number[] },
): Backend {
  const { generator: G, discriminator: D } = models;
  const sampleShape = [...shapes.sampleShape];
  return {
    name: "tfjs",
    run(z, n) {
      const [x, logits] = tf.tidy(() => {
        const zt = tf.tensor2d(z, [n, shapes.latentDim]); // [n, latentDim]
        const xt = G.predict(zt) as tf.Tensor; // [n, ...sampleShape]
        const lt = (D.predict(xt) as tf.Tensor).reshape([n]); // [n, 1] -> [n]
        return [xt.dataSync() as Float32Array, lt.dataSync() as Float32Array];
      });
      return Promise.resolve({ x, logits });
    },
    generate(z, n) {
      return Promise.resolve(
        tf.tidy(() =>
          (G.predict(tf.tensor2d(z, [n, shapes.latentDim])) as tf.Tensor).dataSync() as Float32Array
        ),
      );
    },
    discriminate(x, n) {
      return Promise.resolve(
        tf.tidy(() =>
          (D.predict(tf.tensor(x, [n, ...sampleShape])) as tf.Tensor).dataSync() as Float32Array
        ),
      );
    },
    dispose: () => Promise.resolve(),
  };
}
