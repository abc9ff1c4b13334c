/**
 * One GAN step for every family, the class input optional: the non-saturating loss with
 * optional one-sided label smoothing and lazy R1 on D's real/fake logit (Mescheder et al. 2018);
 * with a class head on D, its cross-entropy on real images (and, for ACGAN, fakes) in D's loss
 * and on fakes in G's; MSGAN's mode-seeking term; G runs with batch statistics
 * (`training: true`, which also updates batch-norm moving averages). After the G update an
 * exponential moving average of G's weights is kept in a second generator when asked.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** Hyper-parameters of one step (fields of the training config). */
export interface StepConfig {
  lr: number;
  beta1: number;
  beta2: number;
  r1: number;
  r1Every: number;
  realLabel: number;
  /** Weight of the class-head losses. @default {1} */
  auxWeight?: number;
  /** ACGAN's class head also learns the classes of fakes; a projection D's only of reals. @default {"proj"} */
  conditioning?: "proj" | "acgan";
  /** Decay of the average of G's weights (0: none). @default {0} */
  emaDecay?: number;
  /**
   * Weight of the mode-seeking term (Mao et al. 2019, MSGAN): G's batch is two halves with the
   * same classes, and G minimises `1 / (mean|x1 - x2| / mean|z1 - z2| + 1e-5)`. @default {0}
   */
  diversity?: number;
  /**
   * Top-k training (Sinha et al. 2020): G's adversarial loss counts only the fraction of its
   * batch D scores highest, `max(topK, 0.99 ** (step / topKEvery))`; 1 turns it off. @default {1}
   */
  topK?: number;
  /** Steps per 1% decay of the kept fraction (Sinha et al. decay 1% per epoch). @default {50} */
  topKEvery?: number;
}

/** D in its two views: the one exported for DRS and the one trained (which may add a class head). */
export interface Discriminator {
  /** `x [N, ...sampleShape] (+ class [N, 1]) -> logit [N, 1]`: the model exported for DRS. */
  model: tf.LayersModel;
  /** Same weights; outputs `[logit]`, or `[logit, classLogits [N, classes]]` with a class head. */
  heads: tf.LayersModel;
}

/** G, D, the averaged G and their (separate) optimizers: one shared Adam breaks in tfjs. */
export interface Gan {
  generator: tf.LayersModel;
  discriminator: Discriminator;
  /** A copy of G holding the moving average of its weights (absent when emaDecay is 0). */
  average?: tf.LayersModel;
  gOptimizer: tf.Optimizer;
  dOptimizer: tf.Optimizer;
  step: number;
  config: StepConfig;
}

/** A model's inputs: latents or samples, with their classes `// [n, 1]` int32 when conditional. */
export interface Inputs {
  x: tf.Tensor;
  y?: tf.Tensor;
}

/** The tensors of one step. */
export interface Batch {
  /** Real samples `// [batch, ...sampleShape]` and their classes. */
  real: Inputs;
  /** Latents `// [batch, latentDim]` and classes of the D step's fakes. */
  fakeD: { z: tf.Tensor; y?: tf.Tensor };
  /** Latents and classes of the G step (with `diversity`, the halves share their classes). */
  fakeG: { z: tf.Tensor; y?: tf.Tensor };
}

/** Losses of a step, read back only when asked (reading forces a sync). */
export interface StepLosses {
  d: tf.Scalar;
  g: tf.Scalar;
}

/** Pairs the models with their own Adam optimizers. */
export function createGan(
  models: Pick<Gan, "generator" | "discriminator" | "average">,
  config: StepConfig,
): Gan {
  return {
    ...models,
    gOptimizer: tf.train.adam(config.lr, config.beta1, config.beta2),
    dOptimizer: tf.train.adam(config.lr, config.beta1, config.beta2),
    step: 0,
    config,
  };
}

/** The variables an optimizer updates for `model`. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
}

/** A model's input list: `x` alone, or `[x, y]` for a class-conditional model. */
export function modelInputs(x: tf.Tensor, y?: tf.Tensor): tf.Tensor | tf.Tensor[] {
  return y ? [x, y] : x;
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
 * R1 penalty: mean over the batch of |grad_x D~(x)|^2 on real data. `logits` gives the
 * logits `// [batch, 1]` of samples (a conditional D with its class bound).
 */
export function r1Penalty(logits: (x: tf.Tensor) => tf.Tensor, real: tf.Tensor): tf.Scalar {
  const gradient = tf.grad((x: tf.Tensor) => logits(x).sum());
  const g = gradient(real); // [batch, ...sampleShape]
  return g.square().reshape([g.shape[0], -1]).sum(1).mean() as tf.Scalar;
}

/** D's outputs: the real/fake logit `// [n, 1]` and, with a class head, `// [n, classes]` logits. */
export function dHeads(d: Discriminator, x: tf.Tensor, y?: tf.Tensor): tf.Tensor[] {
  const out = d.heads.apply(modelInputs(x, y));
  return Array.isArray(out) ? out as tf.Tensor[] : [out as tf.Tensor];
}

/** Mean softmax cross-entropy of class logits `// [n, classes]` against int labels `// [n, 1]`. */
export function classLoss(logits: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const labels = tf.oneHot(y.reshape([-1]) as tf.Tensor1D, logits.shape[1]!);
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  });
}

function dLoss(gan: Gan, batch: Batch, fake: tf.Tensor): tf.Scalar {
  const { discriminator: D, config } = gan;
  const [realLogit, realAux] = dHeads(D, batch.real.x, batch.real.y);
  const [fakeLogit, fakeAux] = dHeads(D, fake, batch.fakeD.y);
  let loss = bceWithLogits(realLogit, config.realLabel).add(bceWithLogits(fakeLogit, 0));
  if (realAux && batch.real.y && batch.fakeD.y) {
    let aux = classLoss(realAux, batch.real.y);
    if (config.conditioning === "acgan") aux = aux.add(classLoss(fakeAux, batch.fakeD.y));
    loss = loss.add(aux.mul(config.auxWeight ?? 1));
  }
  if (config.r1 > 0 && gan.step % config.r1Every === 0) {
    // Lazy R1 (StyleGAN2): every r1Every steps, weight scaled by r1Every.
    const penalty = r1Penalty((x) => dHeads(D, x, batch.real.y)[0], batch.real.x);
    loss = loss.add(penalty.mul((config.r1 / 2) * config.r1Every));
  }
  return loss as tf.Scalar;
}

function gLoss(gan: Gan, batch: Batch): tf.Scalar {
  const { generator: G, discriminator: D, config } = gan;
  const { z, y } = batch.fakeG;
  const fake = G.apply(modelInputs(z, y), { training: true }) as tf.Tensor; // [batch, ...shape]
  const [logit, aux] = dHeads(D, fake, y);
  // Non-saturating: G maximises log D(G(z, y), y), over the top-k of the batch when asked.
  let loss = topKLoss(logit, topKFraction(gan.step, config));
  if (aux && y) loss = loss.add(classLoss(aux, y).mul(config.auxWeight ?? 1));
  const diversity = config.diversity ?? 0;
  if (diversity > 0) loss = loss.add(modeSeeking(fake, z).mul(diversity));
  return loss as tf.Scalar;
}

/** The fraction of G's batch the adversarial loss counts at `step` (1: all). */
export function topKFraction(step: number, config: Pick<StepConfig, "topK" | "topKEvery">): number {
  const floor = config.topK ?? 1;
  if (floor >= 1) return 1;
  return Math.max(floor, 0.99 ** (step / (config.topKEvery ?? 50)));
}

/**
 * G's non-saturating loss `softplus(-logit)` averaged over the `ceil(fraction * n)` samples with
 * the highest logits `// [n, 1]`.
 */
export function topKLoss(logit: tf.Tensor, fraction: number): tf.Scalar {
  return tf.tidy(() => {
    const flat = logit.reshape([-1]); // [n]
    const n = flat.shape[0]!;
    const k = Math.min(n, Math.max(1, Math.ceil(fraction * n)));
    const perSample = tf.softplus(tf.neg(flat)); // [n]
    if (k === n) return perSample.mean() as tf.Scalar;
    // The k highest, read as indices: the selection carries no gradient (tfjs has no TopK
    // gradient nor stopGradient) and ties never let more than k through.
    const kept = tf.topk(flat, k).indices.dataSync(); // [k]
    const mask = tf.oneHot(tf.tensor1d(kept, "int32"), n).sum(0); // [n]: 1 at the kept samples
    return perSample.mul(mask).sum().div(k) as tf.Scalar;
  });
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
export function updateAverage(gan: Gan): void {
  if (!gan.average) return;
  const decay = Math.min(gan.config.emaDecay ?? 0, (1 + gan.step) / (10 + gan.step));
  const live = trainableVariables(gan.generator), avg = trainableVariables(gan.average);
  tf.tidy(() => avg.forEach((v, i) => v.assign(v.mul(decay).add(live[i].mul(1 - decay)))));
}

/** One D update then one G update; returns the two losses (kept for the caller). */
export function ganStep(gan: Gan, batch: Batch): StepLosses {
  const { generator: G } = gan;
  const d = tf.tidy(() => {
    // Computed outside minimize(): a constant for D's gradients.
    const fake = G.apply(modelInputs(batch.fakeD.z, batch.fakeD.y), { training: true });
    return gan.dOptimizer.minimize(
      () => dLoss(gan, batch, fake as tf.Tensor),
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
