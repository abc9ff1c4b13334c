/**
 * The two training phases: the GAN loop, then KeepTraining(D) with G frozen, early-stopped on
 * held-out real data against fresh fakes (Algorithm 1 of the DRS paper).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { bceWithLogits, type Gan, ganStep } from "./gan.ts";
import { trainableVariables } from "./models.ts";
import { LATENT_STREAMS, latents, type RealSource } from "./source.ts";

/** Progress of a phase, reported every `every` steps. */
export interface Progress {
  phase: "gan" | "d-only" | "ratio";
  step: number;
  total: number;
  stepsPerSecond: number;
  losses: Record<string, number>;
}

/** Options shared by both phases. */
export interface LoopOptions {
  /** Called with progress every `reportEvery` steps and at the end. */
  onProgress?: (p: Progress) => void;
  /** @default {50} */
  reportEvery?: number;
}

/** Sets both optimizers' learning rate (tfjs Adam reads the field on every update). */
function setLearningRate(gan: Gan, lr: number): void {
  (gan.gOptimizer as unknown as { learningRate: number }).learningRate = lr;
  (gan.dOptimizer as unknown as { learningRate: number }).learningRate = lr;
}

/** Runs `steps` GAN steps (linear learning-rate decay to `lr * lrFinal`); returns the steps run. */
export async function trainGan(
  gan: Gan,
  data: RealSource,
  run: { steps: number; batch: number; seed: number; latentDim: number; lrFinal?: number },
  options: LoopOptions = {},
): Promise<number> {
  const lrFinal = run.lrFinal ?? 1;
  const every = options.reportEvery ?? 50;
  const { batch, seed, latentDim } = run;
  const t0 = performance.now();
  for (let s = 0; s < run.steps; s++) {
    const rows = { start: s * batch, count: batch, dim: latentDim };
    const real = data.train(s * batch, batch); // [batch, ...sampleShape]
    const zD = latents(seed, LATENT_STREAMS.dStep, rows); // [batch, latentDim]
    const zG = latents(seed, LATENT_STREAMS.gStep, rows);
    if (lrFinal !== 1) setLearningRate(gan, gan.config.lr * (1 - (1 - lrFinal) * (s / run.steps)));
    const losses = ganStep(gan, { real, zD, zG });
    tf.dispose([real, zD, zG]);
    const report = (s + 1) % every === 0 || s + 1 === run.steps;
    if (report && options.onProgress) {
      const [d, g] = await Promise.all([losses.d.data(), losses.g.data()]);
      const seconds = (performance.now() - t0) / 1000;
      options.onProgress({
        phase: "gan",
        step: s + 1,
        total: run.steps,
        stepsPerSecond: (s + 1) / seconds,
        losses: { d: d[0], g: g[0] },
      });
    }
    tf.dispose([losses.d, losses.g]);
  }
  return run.steps;
}

/** Options for {@linkcode keepTrainingD}. */
export interface KeepTrainingOptions extends LoopOptions {
  /** Adam learning rate of this phase. @default {1e-4} */
  lr?: number;
  /** Check the held-out loss every this many steps. @default {250} */
  evalEvery?: number;
  /** Stop after this many checks without improvement. @default {8} */
  patience?: number;
  /** Held-out reals and fakes per check. @default {4096} */
  checkSize?: number;
}

/** What the D-only phase did. */
export interface KeepTrainingResult {
  steps: number;
  bestStep: number;
  /** Held-out BCE (real vs fake) before and after. */
  heldOutLossBefore: number;
  heldOutLossAfter: number;
  stoppedEarly: boolean;
}

/** Held-out BCE of D on reals vs fixed fakes. */
function heldOutLoss(D: tf.LayersModel, real: tf.Tensor, fake: tf.Tensor): number {
  return tf.tidy(() => {
    const lossReal = bceWithLogits(D.apply(real) as tf.Tensor, 1);
    const lossFake = bceWithLogits(D.apply(fake) as tf.Tensor, 0);
    return lossReal.add(lossFake).dataSync()[0];
  });
}

/**
 * KeepTraining(D): trains D alone on fresh G samples vs training reals, G frozen, keeps the
 * weights with the best held-out loss and stops after `patience` checks without improvement.
 */
export async function keepTrainingD(
  gan: Gan,
  data: RealSource,
  run: { steps: number; batch: number; seed: number; latentDim: number },
  options: KeepTrainingOptions = {},
): Promise<KeepTrainingResult> {
  const { generator: G, discriminator: D } = gan;
  const evalEvery = options.evalEvery ?? 250;
  const patience = options.patience ?? 8;
  const checkSize = options.checkSize ?? 4096;
  const every = options.reportEvery ?? 50;
  const optimizer = tf.train.adam(options.lr ?? 1e-4, gan.config.beta1, gan.config.beta2);
  const vars = trainableVariables(D);
  const checkReal = data.heldOut(0, checkSize);
  const checkFake = tf.tidy(() =>
    G.apply(latents(run.seed, LATENT_STREAMS.dOnlyCheck, {
      start: 0,
      count: checkSize,
      dim: run.latentDim,
    })) as tf.Tensor
  );
  const before = heldOutLoss(D, checkReal, checkFake);
  let best = before, bestStep = 0, bad = 0, s = 0;
  let bestWeights = vars.map((v) => tf.keep(v.clone()));
  const realOffset = 1_000_000_000; // disjoint from the GAN phase's training indices
  const t0 = performance.now();
  for (; s < run.steps && bad < patience; s++) {
    const loss = tf.tidy(() => {
      const real = data.train(realOffset + s * run.batch, run.batch);
      const z = latents(run.seed, LATENT_STREAMS.dOnly, {
        start: s * run.batch,
        count: run.batch,
        dim: run.latentDim,
      });
      const fake = G.apply(z) as tf.Tensor; // constant: outside minimize()
      return optimizer.minimize(
        () => {
          const l = bceWithLogits(D.apply(real) as tf.Tensor, 1);
          return l.add(bceWithLogits(D.apply(fake) as tf.Tensor, 0)) as tf.Scalar;
        },
        true,
        vars,
      ) as tf.Scalar;
    });
    if ((s + 1) % evalEvery === 0) {
      const current = heldOutLoss(D, checkReal, checkFake);
      if (current < best - 1e-5) {
        best = current;
        bestStep = s + 1;
        bad = 0;
        tf.dispose(bestWeights);
        bestWeights = vars.map((v) => tf.keep(v.clone()));
      } else bad++;
    }
    if (options.onProgress && ((s + 1) % every === 0 || s + 1 === run.steps)) {
      const l = (await loss.data())[0];
      options.onProgress({
        phase: "d-only",
        step: s + 1,
        total: run.steps,
        stepsPerSecond: (s + 1) / ((performance.now() - t0) / 1000),
        losses: { d: l, heldOut: best },
      });
    }
    loss.dispose();
  }
  const final = heldOutLoss(D, checkReal, checkFake);
  if (final < best) bestStep = s;
  else vars.forEach((v, i) => v.assign(bestWeights[i]));
  const after = Math.min(final, best);
  tf.dispose([...bestWeights, checkReal, checkFake]);
  optimizer.dispose();
  return {
    steps: s,
    bestStep,
    heldOutLossBefore: before,
    heldOutLossAfter: after,
    stoppedEarly: bad >= patience,
  };
}
