/**
 * The two training phases of every family: the GAN loop (real batches with their classes when
 * conditional, fake classes drawn uniformly; ends at `steps` or at a wall-clock deadline, with
 * periodic checkpoints and a divergence check on the way) and KeepTraining(D) with G frozen,
 * early-stopped on held-out real data against fresh fakes (Algorithm 1 of the DRS paper).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import {
  keepTraining,
  type KeepTrainingOptions,
  type KeepTrainingResult,
  type LoopOptions,
} from "./keep_training.ts";
import {
  CLASS_STREAMS,
  fakeInputs,
  LATENT_STREAMS,
  pairedClasses,
  type TrainSource,
} from "./source.ts";
import { type Gan, ganStep, modelInputs, trainableVariables } from "./step.ts";

/** What decides the GAN loop's length and inputs. */
export interface GanRun {
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

/** Options for {@linkcode trainGan}. */
export interface GanLoopOptions extends LoopOptions {
  /** Called every `checkpointEvery` ms of training and at the end. */
  onCheckpoint?: (gan: Gan, seconds: number) => Promise<void>;
  /** @default {600000} (10 minutes) */
  checkpointEvery?: number;
  /** GAN seconds already spent (a resumed run), for the learning-rate schedule. @default {0} */
  priorSeconds?: number;
}

/** What the GAN loop did. */
export interface GanLoopResult {
  /** Steps run by this call. */
  steps: number;
  /** Seconds of this call. */
  seconds: number;
  stoppedBy: "steps" | "deadline";
}

/** Sets both optimizers' learning rate (tfjs Adam reads the field on every update). */
function setLearningRate(gan: Gan, lr: number): void {
  (gan.gOptimizer as unknown as { learningRate: number }).learningRate = lr;
  (gan.dOptimizer as unknown as { learningRate: number }).learningRate = lr;
}

/**
 * Runs GAN steps from `gan.step` until `run.steps` or the deadline; throws when the losses
 * stop being finite.
 */
export async function trainGan(
  gan: Gan,
  data: TrainSource,
  run: GanRun,
  options: GanLoopOptions = {},
): Promise<GanLoopResult> {
  const { batch, seed, latentDim } = run;
  const classes = data.classes, lrFinal = run.lrFinal ?? 1, every = options.reportEvery ?? 50;
  const deadline = run.deadline ?? Infinity, prior = options.priorSeconds ?? 0;
  const t0 = performance.now(), first = gan.step;
  const checkpointEvery = options.checkpointEvery ?? 600_000;
  // The learning rate decays with the larger of the step and the time fraction.
  const endSeconds = prior + (deadline - t0) / 1000;
  let lastCheckpoint = t0, stoppedBy: GanLoopResult["stoppedBy"] = "steps";
  while (gan.step < run.steps) {
    if (performance.now() >= deadline) {
      stoppedBy = "deadline";
      break;
    }
    const s = gan.step, seconds = (performance.now() - t0) / 1000;
    const rows = { start: s * batch, count: batch, dim: latentDim, classes };
    const real = data.train(s * batch, batch); // [batch, ...sampleShape]
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
    if ((gan.config.diversity ?? 0) > 0 && fakeG.y) fakeG.y = pairedClasses(fakeG.y);
    if (lrFinal !== 1) {
      const f = Math.min(1, Math.max(s / run.steps, (prior + seconds) / endSeconds));
      setLearningRate(gan, gan.config.lr * (1 - (1 - lrFinal) * f));
    }
    const losses = ganStep(gan, { real, fakeD, fakeG });
    tf.dispose([real.x, real.y, fakeD.z, fakeD.y, fakeG.z, fakeG.y].filter((t) => t));
    const done = gan.step - first;
    if (done % every === 0 || gan.step === run.steps) {
      const [d, g] = [(await losses.d.data())[0], (await losses.g.data())[0]];
      if (!Number.isFinite(d) || !Number.isFinite(g)) {
        tf.dispose([losses.d, losses.g]);
        throw new Error(`Cannot continue training as the losses diverged at step ${gan.step}`);
      }
      const rate = done / ((performance.now() - t0) / 1000);
      const left = Math.max(0, (deadline - performance.now()) / 1000);
      options.onProgress?.({
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

/**
 * KeepTraining(D) for any pair: D (its exported logit) alone on fresh G samples vs training
 * reals, G frozen, keeping the weights with the best held-out loss (see keep_training.ts).
 */
export async function keepTrainingD(
  models: { generator: tf.LayersModel; discriminator: tf.LayersModel },
  data: TrainSource,
  run: { steps: number; batch: number; seed: number; latentDim: number },
  options: KeepTrainingOptions = {},
): Promise<KeepTrainingResult> {
  const { generator: G, discriminator: D } = models;
  const checkSize = Math.min(options.checkSize ?? 4096, data.heldOutCount);
  const classes = data.classes, dim = run.latentDim;
  const fakes = (streams: { latent: number; label: number }, start: number, count: number) => {
    const { z, y } = fakeInputs(run.seed, streams, { start, count, dim, classes });
    // A conditional G runs in batches of 500 (its batch-norm layers in inference form).
    const x = y ? G.predict([z, y], { batchSize: 500 }) as tf.Tensor : G.apply(z) as tf.Tensor;
    return modelInputs(x, y);
  };
  const realOffset = 1_000_000_000; // disjoint from the GAN phase's training indices
  const heldOut = data.heldOut(0, checkSize);
  const check = {
    real: modelInputs(heldOut.x, heldOut.y),
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
          return {
            real: modelInputs(real.x, real.y),
            fake: fakes(streams, s * run.batch, run.batch),
          };
        },
        check,
        logits: (inputs) => D.apply(inputs) as tf.Tensor,
      },
      run.steps,
      { ...options, checkSize },
    );
  } finally {
    tf.dispose([check.real, check.fake]);
  }
}
