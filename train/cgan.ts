/**
 * One step of class-conditional GAN training: the non-saturating loss with optional one-sided
 * label smoothing and lazy R1 on D's real/fake logit; with a class head on D, its
 * cross-entropy on real images (and, for ACGAN, fakes) in D's loss and on fakes in G's. G runs with batch statistics
 * (`training: true`), which also updates its batch-norm moving averages. After the G update
 * an exponential moving average of G's weights is kept in a second generator.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { bceWithLogits, r1Penalty } from "./gan.ts";
import { trainableVariables } from "./models.ts";
import type { CondDiscriminator, Conditioning } from "./models_cond.ts";

/** Hyper-parameters of one step (a subset of CondTrainConfig). */
export interface CondStepConfig {
  lr: number;
  beta1: number;
  beta2: number;
  r1: number;
  r1Every: number;
  realLabel: number;
  auxWeight: number;
  /** ACGAN's class head also learns the classes of fakes; a projection D's only of real images. */
  conditioning: Conditioning;
  emaDecay: number;
  /**
   * Weight of the mode-seeking term (Mao et al. 2019, MSGAN): G's batch is two halves with the
   * same classes, and G minimises `1 / (mean|x1 - x2| / mean|z1 - z2| + 1e-5)`. 0 disables.
   */
  diversity: number;
}

/** A conditional G, D, the averaged G and their optimizers. */
export interface CondGan {
  generator: tf.LayersModel;
  discriminator: CondDiscriminator;
  /** A copy of G holding the moving average of its weights (absent when emaDecay is 0). */
  average?: tf.LayersModel;
  gOptimizer: tf.Optimizer;
  dOptimizer: tf.Optimizer;
  step: number;
  config: CondStepConfig;
}

/** The tensors of one step. */
export interface CondBatch {
  /** Real images `// [batch, 28, 28, 1]` and their classes `// [batch, 1]` int32. */
  real: { x: tf.Tensor; y: tf.Tensor };
  /** Latents `// [batch, latentDim]` and classes `// [batch, 1]` of the D step's fakes. */
  fakeD: { z: tf.Tensor; y: tf.Tensor };
  /** Latents and classes of the G step (with `diversity`, the halves share their classes). */
  fakeG: { z: tf.Tensor; y: tf.Tensor };
}

/** Pairs the models with their own Adam optimizers. */
export function createCondGan(
  models: Pick<CondGan, "generator" | "discriminator" | "average">,
  config: CondStepConfig,
): CondGan {
  return {
    ...models,
    gOptimizer: tf.train.adam(config.lr, config.beta1, config.beta2),
    dOptimizer: tf.train.adam(config.lr, config.beta1, config.beta2),
    step: 0,
    config,
  };
}

/** D's outputs: the real/fake logit `// [n, 1]` and, with a class head, `// [n, classes]` logits. */
export function dHeads(d: CondDiscriminator, x: tf.Tensor, y: tf.Tensor): tf.Tensor[] {
  const out = d.heads.apply([x, y]);
  return Array.isArray(out) ? out as tf.Tensor[] : [out as tf.Tensor];
}

/** Mean softmax cross-entropy of class logits `// [n, classes]` against int labels `// [n, 1]`. */
export function classLoss(logits: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const labels = tf.oneHot(y.reshape([-1]) as tf.Tensor1D, logits.shape[1]!);
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  });
}

function dLoss(gan: CondGan, batch: CondBatch, fake: tf.Tensor): tf.Scalar {
  const { discriminator: D, config } = gan;
  const [realLogit, realAux] = dHeads(D, batch.real.x, batch.real.y);
  const [fakeLogit, fakeAux] = dHeads(D, fake, batch.fakeD.y);
  let loss = bceWithLogits(realLogit, config.realLabel).add(bceWithLogits(fakeLogit, 0));
  if (realAux) {
    let aux = classLoss(realAux, batch.real.y);
    if (config.conditioning === "acgan") aux = aux.add(classLoss(fakeAux, batch.fakeD.y));
    loss = loss.add(aux.mul(config.auxWeight));
  }
  if (config.r1 > 0 && gan.step % config.r1Every === 0) {
    // Lazy R1 (StyleGAN2): every r1Every steps, weight scaled by r1Every.
    const penalty = r1Penalty((x) => dHeads(D, x, batch.real.y)[0], batch.real.x);
    loss = loss.add(penalty.mul((config.r1 / 2) * config.r1Every));
  }
  return loss as tf.Scalar;
}

function gLoss(gan: CondGan, batch: CondBatch): tf.Scalar {
  const { generator: G, discriminator: D, config } = gan;
  const { z, y } = batch.fakeG;
  const fake = G.apply([z, y], { training: true }) as tf.Tensor; // [batch, 28, 28, 1]
  const [logit, aux] = dHeads(D, fake, y);
  let loss = bceWithLogits(logit, 1); // non-saturating: G maximises log D(G(z, y), y)
  if (aux) loss = loss.add(classLoss(aux, y).mul(config.auxWeight));
  if (config.diversity > 0) loss = loss.add(modeSeeking(fake, z).mul(config.diversity));
  return loss as tf.Scalar;
}

/** MSGAN's term for a batch whose halves share classes: `1 / (d(x1, x2) / d(z1, z2) + 1e-5)`. */
export function modeSeeking(fake: tf.Tensor, z: tf.Tensor): tf.Scalar {
  const half = Math.floor(fake.shape[0] / 2);
  const distance = (t: tf.Tensor) => {
    const rest = t.shape.slice(1).map(() => -1);
    const a = t.slice([0, ...rest.map(() => 0)], [half, ...rest]);
    const b = t.slice([half, ...rest.map(() => 0)], [half, ...rest]);
    return a.sub(b).abs().mean();
  };
  return tf.scalar(1).div(distance(fake).div(distance(z)).add(1e-5)) as tf.Scalar;
}

/**
 * Moves the averaged G towards G: `avg = decay * avg + (1 - decay) * w` (trainable weights),
 * with TensorFlow's warm-up `decay = min(emaDecay, (1 + step) / (10 + step))` so a short run
 * does not average in its first, poor weights.
 */
export function updateAverage(gan: CondGan): void {
  if (!gan.average) return;
  const decay = Math.min(gan.config.emaDecay, (1 + gan.step) / (10 + gan.step));
  const live = trainableVariables(gan.generator), avg = trainableVariables(gan.average);
  tf.tidy(() => avg.forEach((v, i) => v.assign(v.mul(decay).add(live[i].mul(1 - decay)))));
}

/** One D update then one G update; returns the two losses (kept for the caller). */
export function condGanStep(gan: CondGan, batch: CondBatch): { d: tf.Scalar; g: tf.Scalar } {
  const { generator: G } = gan;
  const d = tf.tidy(() => {
    // Computed outside minimize(): a constant for D's gradients.
    const fake = G.apply([batch.fakeD.z, batch.fakeD.y], { training: true }) as tf.Tensor;
    return gan.dOptimizer.minimize(
      () => dLoss(gan, batch, fake),
      true,
      trainableVariables(gan.discriminator.heads),
    ) as tf.Scalar;
  });
  const g = tf.tidy(() =>
    gan.gOptimizer.minimize(() => gLoss(gan, batch), true, trainableVariables(G)) as tf.Scalar
  );
  updateAverage(gan);
  gan.step++;
  return { d, g };
}
