/**
 * Adversarial training: the non-saturating GAN loss with optional one-sided label smoothing
 * and a lazy R1 gradient penalty on D (Mescheder et al. 2018) against mode collapse.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { trainableVariables } from "./models.ts";

/** Hyper-parameters of one GAN step (a subset of TrainConfig). */
export interface GanStepConfig {
  lr: number;
  beta1: number;
  beta2: number;
  r1: number;
  r1Every: number;
  realLabel: number;
}

/** A generator, a discriminator and their (separate) optimizers. */
export interface Gan {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  gOptimizer: tf.Optimizer;
  dOptimizer: tf.Optimizer;
  step: number;
  config: GanStepConfig;
}

/** Losses of a step, read back only when asked (reading forces a sync). */
export interface StepLosses {
  d: tf.Scalar;
  g: tf.Scalar;
}

/** Pairs two models with their own Adam optimizers (one shared Adam breaks in tfjs). */
export function createGan(
  models: { generator: tf.LayersModel; discriminator: tf.LayersModel },
  config: GanStepConfig,
): Gan {
  return {
    ...models,
    gOptimizer: tf.train.adam(config.lr, config.beta1, config.beta2),
    dOptimizer: tf.train.adam(config.lr, config.beta1, config.beta2),
    step: 0,
    config,
  };
}

/** Sigmoid cross-entropy of logits against a constant target, from logits (stable). */
export function bceWithLogits(logits: tf.Tensor, target: number): tf.Scalar {
  // target * softplus(-l) + (1 - target) * softplus(l)
  return tf.tidy(() => {
    const pos = tf.softplus(tf.neg(logits)).mul(target);
    const neg = tf.softplus(logits).mul(1 - target);
    return pos.add(neg).mean() as tf.Scalar;
  });
}

/**
 * R1 penalty: mean over the batch of |grad_x D~(x)|^2 on real data. `discriminator` is a
 * model or a function giving the logits `// [batch, 1]` of images (a conditional D with its
 * class bound).
 */
export function r1Penalty(
  discriminator: tf.LayersModel | ((x: tf.Tensor) => tf.Tensor),
  real: tf.Tensor,
): tf.Scalar {
  const logits = typeof discriminator === "function"
    ? discriminator
    : (x: tf.Tensor) => discriminator.apply(x) as tf.Tensor;
  const gradient = tf.grad((x: tf.Tensor) => logits(x).sum());
  const g = gradient(real); // [batch, ...sampleShape]
  return g.square().reshape([g.shape[0], -1]).sum(1).mean() as tf.Scalar;
}

/**
 * One D update then one G update.
 * `real`: `// [batch, ...sampleShape]`; `zD`, `zG`: `// [batch, latentDim]`.
 * The returned losses are kept alive for the caller to read or dispose.
 */
export function ganStep(
  gan: Gan,
  batch: { real: tf.Tensor; zD: tf.Tensor; zG: tf.Tensor },
): StepLosses {
  const { generator: G, discriminator: D, config } = gan;
  const withR1 = config.r1 > 0 && gan.step % config.r1Every === 0;
  const d = tf.tidy(() => {
    // Computed outside minimize(), so it is a constant for the D gradients.
    const fake = G.apply(batch.zD) as tf.Tensor; // [batch, ...sampleShape]
    return gan.dOptimizer.minimize(
      () => {
        const lossReal = bceWithLogits(D.apply(batch.real) as tf.Tensor, config.realLabel);
        const lossFake = bceWithLogits(D.apply(fake) as tf.Tensor, 0);
        let loss = lossReal.add(lossFake) as tf.Scalar;
        if (withR1) {
          // Lazy R1: every r1Every steps with weight scaled by r1Every (StyleGAN2).
          loss = loss.add(r1Penalty(D, batch.real).mul((config.r1 / 2) * config.r1Every));
        }
        return loss;
      },
      true,
      trainableVariables(D),
    ) as tf.Scalar;
  });
  const g = tf.tidy(() =>
    gan.gOptimizer.minimize(
      () => {
        // Non-saturating loss: G maximises log D(G(z)).
        const logits = D.apply(G.apply(batch.zG) as tf.Tensor) as tf.Tensor; // [batch, 1]
        return bceWithLogits(logits, 1);
      },
      true,
      trainableVariables(G),
    ) as tf.Scalar
  );
  gan.step++;
  return { d, g };
}
