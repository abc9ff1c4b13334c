/**
 * The two training phases of a conditional pair: the GAN loop (real batches with their
 * labels, fake classes drawn uniformly; ends at `steps` or at a wall-clock deadline, with
 * checkpoints on the way) and KeepTraining(D) with G frozen, both class-conditional.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { uniforms } from "../shared/rng.ts";
import { type CondGan, condGanStep } from "./cgan.ts";
import type { LabelledSource } from "./data/labelled_source.ts";
import {
  keepTraining,
  type KeepTrainingOptions,
  type KeepTrainingResult,
} from "./keep_training.ts";
import type { LoopOptions } from "./loop.ts";
import { trainableVariables } from "./models.ts";
import { LATENT_STREAMS, latents } from "./source.ts";

/** Class streams of a run, beside the latent streams of source.ts. */
export const CLASS_STREAMS = { dStep: 30, gStep: 31, dOnly: 32, dOnlyCheck: 33 } as const;

/** Classes drawn uniformly from `classes`: `// [count, 1]` int32. */
export function uniformClasses(
  seed: number,
  stream: number,
  rows: { start: number; count: number; classes: number },
): tf.Tensor2D {
  const u = uniforms(seed, rows, { stream });
  return tf.tensor2d(Int32Array.from(u, (v) => Math.floor(v * rows.classes)), [rows.count, 1]);
}

/** `// [n, 1]` classes whose second half repeats the first (the mode-seeking pairs). */
export function pairedClasses(y: tf.Tensor2D): tf.Tensor2D {
  const n = y.shape[0], half = Math.floor(n / 2);
  const paired = tf.tidy(() => {
    const first = y.slice([0, 0], [half, 1]);
    return tf.concat([first, first, y.slice([2 * half, 0], [n - 2 * half, 1])]) as tf.Tensor2D;
  });
  y.dispose();
  return paired;
}

/** Latents and uniform classes of rows `start ..` of one stream pair. */
function fakeInputs(
  seed: number,
  streams: { latent: number; label: number },
  rows: { start: number; count: number; dim: number; classes: number },
): { z: tf.Tensor2D; y: tf.Tensor2D } {
  return {
    z: latents(seed, streams.latent, rows), // [count, latentDim]
    y: uniformClasses(seed, streams.label, rows), // [count, 1]
  };
}

/** What decides the GAN loop's length and inputs. */
export interface CondRun {
  /** Stop before this step (the loop starts at `gan.step`). */
  steps: number;
  batch: number;
  seed: number;
  latentDim: number;
  /** Final learning rate as a fraction of `lr`, reached at the end (steps or deadline). @default {1} */
  lrFinal?: number;
  /** `performance.now()` after which no step starts. @default {Infinity} */
  deadline?: number;
}

/** Options for {@linkcode trainCondGan}. */
export interface CondLoopOptions extends LoopOptions {
  /** Called every `checkpointEvery` ms of training and at the end. */
  onCheckpoint?: (gan: CondGan, seconds: number) => Promise<void>;
  /** @default {600000} (10 minutes) */
  checkpointEvery?: number;
  /** GAN seconds already spent (a resumed run), for the learning-rate schedule. @default {0} */
  priorSeconds?: number;
}

/** What the GAN loop did. */
export interface CondLoopResult {
  /** Steps run by this call. */
  steps: number;
  /** Seconds of this call. */
  seconds: number;
  stoppedBy: "steps" | "deadline";
}

function setLearningRate(gan: CondGan, lr: number): void {
  (gan.gOptimizer as unknown as { learningRate: number }).learningRate = lr;
  (gan.dOptimizer as unknown as { learningRate: number }).learningRate = lr;
}

/** Runs GAN steps from `gan.step` until `run.steps` or the deadline. */
export async function trainCondGan(
  gan: CondGan,
  data: LabelledSource,
  run: CondRun,
  options: CondLoopOptions = {},
): Promise<CondLoopResult> {
  const { batch, seed, latentDim } = run;
  const classes = data.classes, lrFinal = run.lrFinal ?? 1, every = options.reportEvery ?? 50;
  const deadline = run.deadline ?? Infinity, prior = options.priorSeconds ?? 0;
  const t0 = performance.now(), first = gan.step;
  const checkpointEvery = options.checkpointEvery ?? 600_000;
  // The learning rate decays with the larger of the step and the time fraction.
  const endSeconds = prior + (deadline - t0) / 1000;
  let lastCheckpoint = t0, stoppedBy: CondLoopResult["stoppedBy"] = "steps";
  while (gan.step < run.steps) {
    if (performance.now() >= deadline) {
      stoppedBy = "deadline";
      break;
    }
    const s = gan.step, seconds = (performance.now() - t0) / 1000;
    const rows = { start: s * batch, count: batch, dim: latentDim, classes };
    const real = data.train(s * batch, batch);
    const fakeD = fakeInputs(
      seed,
      { latent: LATENT_STREAMS.dStep, label: CLASS_STREAMS.dStep },
      rows,
    );
    const fakeG = fakeInputs(
      seed,
      { latent: LATENT_STREAMS.gStep, label: CLASS_STREAMS.gStep },
      rows,
    );
    if (gan.config.diversity > 0) fakeG.y = pairedClasses(fakeG.y);
    if (lrFinal !== 1) {
      const f = Math.min(1, Math.max(s / run.steps, (prior + seconds) / endSeconds));
      setLearningRate(gan, gan.config.lr * (1 - (1 - lrFinal) * f));
    }
    const losses = condGanStep(gan, { real, fakeD, fakeG });
    tf.dispose([real.x, real.y, fakeD.z, fakeD.y, fakeG.z, fakeG.y]);
    const done = gan.step - first;
    if (options.onProgress && (done % every === 0 || gan.step === run.steps)) {
      const [d, g] = [(await losses.d.data())[0], (await losses.g.data())[0]];
      if (!Number.isFinite(d) || !Number.isFinite(g)) {
        tf.dispose([losses.d, losses.g]);
        throw new Error(`Cannot continue training as the losses diverged at step ${gan.step}`);
      }
      const rate = done / ((performance.now() - t0) / 1000);
      const left = Math.max(0, (deadline - performance.now()) / 1000);
      options.onProgress({
        phase: "gan",
        step: gan.step,
        total: Math.min(run.steps, gan.step + Math.floor(left * rate)),
        stepsPerSecond: rate,
        losses: { d, g },
      });
    }
    tf.dispose([losses.d, losses.g]);
    if (options.onCheckpoint && performance.now() - lastCheckpoint >= checkpointEvery) {
      await options.onCheckpoint(gan, prior + (performance.now() - t0) / 1000);
      lastCheckpoint = performance.now();
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  if (options.onCheckpoint) await options.onCheckpoint(gan, prior + seconds);
  return { steps: gan.step - first, seconds, stoppedBy };
}

/** KeepTraining(D) of a conditional pair: D (its exported logit) on reals vs frozen-G fakes. */
export async function keepTrainingCondD(
  models: { generator: tf.LayersModel; discriminator: tf.LayersModel },
  data: LabelledSource,
  run: { steps: number; batch: number; seed: number; latentDim: number },
  options: KeepTrainingOptions = {},
): Promise<KeepTrainingResult> {
  const { generator: G, discriminator: D } = models;
  const checkSize = Math.min(options.checkSize ?? 4096, data.heldOutCount);
  const classes = data.classes, dim = run.latentDim;
  const fakes = (streams: { latent: number; label: number }, start: number, count: number) => {
    const { z, y } = fakeInputs(run.seed, streams, { start, count, dim, classes });
    return [G.predict([z, y], { batchSize: 500 }) as tf.Tensor, y];
  };
  const realOffset = 1_000_000_000; // disjoint from the GAN phase's training indices
  const heldOut = data.heldOut(0, checkSize);
  const check = {
    real: [heldOut.x, heldOut.y],
    fake: tf.tidy(() =>
      fakes({ latent: LATENT_STREAMS.dOnlyCheck, label: CLASS_STREAMS.dOnlyCheck }, 0, checkSize)
    ),
  };
  try {
    return await keepTraining(
      {
        vars: trainableVariables(D),
        batch: (s) => {
          const real = data.train(realOffset + s * run.batch, run.batch);
          const streams = { latent: LATENT_STREAMS.dOnly, label: CLASS_STREAMS.dOnly };
          return { real: [real.x, real.y], fake: fakes(streams, s * run.batch, run.batch) };
        },
        check,
        logits: (inputs) => D.apply(inputs) as tf.Tensor,
      },
      run.steps,
      { ...options, checkSize },
    );
  } finally {
    tf.dispose([...check.real, ...check.fake]);
  }
}
