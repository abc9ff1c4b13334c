/**
 * The two training phases: the GAN loop, then KeepTraining(D) with G frozen, early-stopped on
 * held-out real data against fresh fakes (Algorithm 1 of the DRS paper).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { type Gan, ganStep } from "./gan.ts";
import {
  keepTraining,
  type KeepTrainingOptions,
  type KeepTrainingResult,
} from "./keep_training.ts";
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

export type { KeepTrainingOptions, KeepTrainingResult } from "./keep_training.ts";

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

/**
 * KeepTraining(D) for an unconditional pair: trains D alone on fresh G samples vs training
 * reals, G frozen, keeps the weights with the best held-out loss (see keep_training.ts).
 */
export async function keepTrainingD(
  gan: Gan,
  data: RealSource,
  run: { steps: number; batch: number; seed: number; latentDim: number },
  options: KeepTrainingOptions = {},
): Promise<KeepTrainingResult> {
  const { generator: G, discriminator: D } = gan;
  const checkSize = options.checkSize ?? 4096;
  const realOffset = 1_000_000_000; // disjoint from the GAN phase's training indices
  const check = {
    real: data.heldOut(0, checkSize),
    fake: tf.tidy(() =>
      G.apply(latents(run.seed, LATENT_STREAMS.dOnlyCheck, {
        start: 0,
        count: checkSize,
        dim: run.latentDim,
      })) as tf.Tensor
    ),
  };
  try {
    return await keepTraining(
      {
        vars: trainableVariables(D),
        batch: (s) => ({
          real: data.train(realOffset + s * run.batch, run.batch),
          // constant: made outside minimize()
          fake: G.apply(latents(run.seed, LATENT_STREAMS.dOnly, {
            start: s * run.batch,
            count: run.batch,
            dim: run.latentDim,
          })) as tf.Tensor,
        }),
        check,
        logits: (x) => D.apply(x) as tf.Tensor,
      },
      run.steps,
      { betas: [gan.config.beta1, gan.config.beta2], ...options },
    );
  } finally {
    tf.dispose([check.real, check.fake]);
  }
}
