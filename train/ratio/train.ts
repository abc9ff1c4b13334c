/**
 * Training a density-ratio estimator on fresh real samples vs fresh samples of a frozen
 * generator: binary cross-entropy from logits, Adam with a linearly decaying learning rate,
 * held-out early stopping (the best held-out weights are kept). At the optimum
 * sigmoid(logit) = p_data / (p_data + p_g), so exp(logit) estimates p_data / p_g.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { bceWithLogits, trainableVariables } from "../gan/step.ts";
import type { Progress } from "../gan/keep_training.ts";

/** Optimisation settings of {@linkcode trainRatioEstimator}. */
export interface RatioTrainConfig {
  /** Steps at most. @default {12000} */
  steps: number;
  /** Real samples per step. @default {256} */
  batch: number;
  /**
   * Generator samples per step (each class's loss is a mean, so the two stay balanced); more
   * fakes resolve G's sparse tails, where the ratio is largest. @default {512}
   */
  fakeBatch: number;
  /** Adam learning rate at the start. @default {1e-3} */
  lr: number;
  /** Learning rate at the last step as a fraction of `lr` (linear decay). @default {0.05} */
  lrFinal: number;
  /** Check the held-out loss every this many steps. @default {250} */
  evalEvery: number;
  /** Stop after this many checks without improvement. @default {8} */
  patience: number;
  /** Held-out reals and fakes, each. @default {16384} */
  checkSize: number;
  /**
   * Decay of an exponential moving average of the weights (Polyak averaging), used for the
   * held-out checks and kept at the end; 0 keeps the raw weights. Step s uses
   * min(decay, (1 + s) / (10 + s)). @default {0.999}
   */
  emaDecay: number;
}

/** Defaults of {@linkcode RatioTrainConfig}. */
export const DEFAULT_RATIO_TRAIN: RatioTrainConfig = {
  steps: 12000,
  batch: 256,
  fakeBatch: 512,
  lr: 1e-3,
  lrFinal: 0.05,
  evalEvery: 250,
  patience: 8,
  checkSize: 16384,
  emaDecay: 0.999,
};

/**
 * Where samples come from, by index so a run is reproducible; every function returns
 * `// [count, ...sampleShape]` flattened. Training and held-out streams must be disjoint.
 */
export interface RatioSources {
  sampleShape: number[];
  real(start: number, count: number): Float32Array;
  realHeldOut(start: number, count: number): Float32Array;
  fake(start: number, count: number): Promise<Float32Array>;
  fakeHeldOut(start: number, count: number): Promise<Float32Array>;
}

/** What a training run did. */
export interface RatioTrainResult {
  steps: number;
  bestStep: number;
  /** Held-out BCE (real + fake terms) at the start and of the kept weights. */
  heldOutLossBefore: number;
  heldOutLossAfter: number;
  stoppedEarly: boolean;
  seconds: number;
  stepsPerSecond: number;
}

function heldOutLoss(model: tf.LayersModel, real: tf.Tensor, fake: tf.Tensor): number {
  return tf.tidy(() =>
    bceWithLogits(model.apply(real) as tf.Tensor, 1)
      .add(bceWithLogits(model.apply(fake) as tf.Tensor, 0))
      .dataSync()[0]
  );
}

/** Trains `model` in place; keeps the weights with the lowest held-out loss. */
export async function trainRatioEstimator(
  model: tf.LayersModel,
  sources: RatioSources,
  options: Partial<RatioTrainConfig> & { onProgress?: (p: Progress) => void } = {},
): Promise<RatioTrainResult> {
  const config = { ...DEFAULT_RATIO_TRAIN, ...options };
  const { batch, fakeBatch, steps } = config;
  const shape = (n: number) => [n, ...sources.sampleShape];
  const vars = trainableVariables(model);
  const optimizer = tf.train.adam(config.lr, 0.9, 0.999);
  const checkReal = tf.tensor(sources.realHeldOut(0, config.checkSize), shape(config.checkSize));
  const checkFake = tf.tensor(
    await sources.fakeHeldOut(0, config.checkSize),
    shape(config.checkSize),
  );
  const before = heldOutLoss(model, checkReal, checkFake);
  let best = before, bestStep = 0, bad = 0, s = 0;
  let bestWeights = vars.map((v) => tf.keep(v.clone()));
  const decay = config.emaDecay;
  if (!(decay >= 0 && decay < 1)) {
    throw new RangeError(
      `Cannot train as 'emaDecay' must be in [0, 1): current value is ${decay}`,
    );
  }
  const ema = decay > 0 ? vars.map((v) => tf.variable(v.clone(), false)) : undefined;
  /** Held-out loss of the weights the run keeps (the average when there is one). */
  const check = () => {
    if (!ema) return heldOutLoss(model, checkReal, checkFake);
    const current = vars.map((v) => tf.keep(v.clone()));
    vars.forEach((v, i) => v.assign(ema[i]));
    const loss = heldOutLoss(model, checkReal, checkFake);
    vars.forEach((v, i) => v.assign(current[i]));
    tf.dispose(current);
    return loss;
  };
  const kept = () => (ema ?? vars).map((v) => tf.keep(v.clone()));
  const t0 = performance.now();
  let next = sources.fake(0, fakeBatch);
  for (; s < steps && bad < config.patience; s++) {
    const fakeValues = await next;
    if (s + 1 < steps) next = sources.fake((s + 1) * fakeBatch, fakeBatch); // overlaps the step
    const lr = config.lr * (1 - (1 - config.lrFinal) * (s / Math.max(1, steps - 1)));
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
    const loss = tf.tidy(() => {
      const real = tf.tensor(sources.real(s * batch, batch), shape(batch));
      const fake = tf.tensor(fakeValues, shape(fakeBatch));
      return optimizer.minimize(
        () =>
          bceWithLogits(model.apply(real) as tf.Tensor, 1)
            .add(bceWithLogits(model.apply(fake) as tf.Tensor, 0)) as tf.Scalar,
        true,
        vars,
      ) as tf.Scalar;
    });
    if (ema) {
      // Warm-up (as TF's ExponentialMovingAverage with num_updates): early on, the average
      // forgets the random initial weights faster.
      const d = Math.min(decay, (1 + s) / (10 + s));
      tf.tidy(() => ema.forEach((e, i) => e.assign(e.mul(d).add(vars[i].mul(1 - d)))));
    }
    if ((s + 1) % config.evalEvery === 0 || s + 1 === steps) {
      const current = check();
      if (current < best - 1e-5) {
        best = current;
        bestStep = s + 1;
        bad = 0;
        tf.dispose(bestWeights);
        bestWeights = kept();
      } else bad++;
      options.onProgress?.({
        phase: "ratio",
        step: s + 1,
        total: steps,
        stepsPerSecond: (s + 1) / ((performance.now() - t0) / 1000),
        losses: { train: (await loss.data())[0], heldOut: current, best },
      });
    }
    loss.dispose();
  }
  vars.forEach((v, i) => v.assign(bestWeights[i]));
  tf.dispose([...bestWeights, ...(ema ?? []), checkReal, checkFake]);
  optimizer.dispose();
  const seconds = (performance.now() - t0) / 1000;
  return {
    steps: s,
    bestStep,
    heldOutLossBefore: before,
    heldOutLossAfter: best,
    stoppedEarly: bad >= config.patience,
    seconds,
    stepsPerSecond: s / seconds,
  };
}
