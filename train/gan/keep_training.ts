/**
 * KeepTraining(D) of Algorithm 1 of the DRS paper, for any pair: D alone on fresh G samples
 * vs training reals, G frozen, keeping the weights with the best held-out loss and stopping
 * after `patience` checks without improvement. The pair-specific parts (how batches are made
 * and how D reads them) come in a {@linkcode DOnlyTask}.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { bceWithLogits } from "./step.ts";

/** Progress of a phase, reported every `reportEvery` steps. */
export interface Progress {
  phase: "gan" | "d-only" | "ratio";
  step: number;
  total: number;
  stepsPerSecond: number;
  losses: Record<string, number>;
}

/** Options shared by the training phases. */
export interface LoopOptions {
  /** Called with progress every `reportEvery` steps and at the end. */
  onProgress?: (p: Progress) => void;
  /** @default {50} */
  reportEvery?: number;
}

/** D's inputs: a tensor, or a list for a conditional D (`[x, class]`). */
export type DInputs = tf.Tensor | tf.Tensor[];

/** What KeepTraining(D) needs from a pair. */
export interface DOnlyTask {
  /** D's trainable variables. */
  vars: tf.Variable[];
  /** Real and fake (G frozen) D inputs of step `step`, made outside the optimizer. */
  batch(step: number): { real: DInputs; fake: DInputs };
  /** The fixed held-out check: held-out reals and fixed fakes. */
  check: { real: DInputs; fake: DInputs };
  /** D's logits `// [n, 1]` of some inputs. */
  logits(inputs: DInputs): tf.Tensor;
}

/** Options for {@linkcode keepTraining}. */
export interface KeepTrainingOptions extends LoopOptions {
  /** Adam learning rate of this phase. @default {1e-4} */
  lr?: number;
  /** Adam betas. @default {[0.5, 0.9]} */
  betas?: [number, number];
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

/** BCE of D on reals (target 1) plus fakes (target 0). */
function pairLoss(task: DOnlyTask, inputs: { real: DInputs; fake: DInputs }): tf.Scalar {
  const lossReal = bceWithLogits(task.logits(inputs.real), 1);
  return lossReal.add(bceWithLogits(task.logits(inputs.fake), 0)) as tf.Scalar;
}

/** Runs up to `steps` D-only steps of `task`; D ends with its best held-out weights. */
export async function keepTraining(
  task: DOnlyTask,
  steps: number,
  options: KeepTrainingOptions = {},
): Promise<KeepTrainingResult> {
  const evalEvery = options.evalEvery ?? 250;
  const patience = options.patience ?? 8;
  const every = options.reportEvery ?? 50;
  const [beta1, beta2] = options.betas ?? [0.5, 0.9];
  const optimizer = tf.train.adam(options.lr ?? 1e-4, beta1, beta2);
  const vars = task.vars;
  const heldOut = () => tf.tidy(() => pairLoss(task, task.check).dataSync()[0]);
  const before = heldOut();
  let best = before, bestStep = 0, bad = 0, s = 0;
  let bestWeights = vars.map((v) => tf.keep(v.clone()));
  const t0 = performance.now();
  for (; s < steps && bad < patience; s++) {
    const loss = tf.tidy(() => {
      const inputs = task.batch(s);
      return optimizer.minimize(() => pairLoss(task, inputs), true, vars) as tf.Scalar;
    });
    if ((s + 1) % evalEvery === 0) {
      const current = heldOut();
      if (current < best - 1e-5) {
        best = current;
        bestStep = s + 1;
        bad = 0;
        tf.dispose(bestWeights);
        bestWeights = vars.map((v) => tf.keep(v.clone()));
      } else bad++;
    }
    if (options.onProgress && ((s + 1) % every === 0 || s + 1 === steps)) {
      const l = (await loss.data())[0];
      options.onProgress({
        phase: "d-only",
        step: s + 1,
        total: steps,
        stepsPerSecond: (s + 1) / ((performance.now() - t0) / 1000),
        losses: { d: l, heldOut: best },
      });
    }
    loss.dispose();
  }
  const final = heldOut();
  if (final < best) bestStep = s;
  else vars.forEach((v, i) => v.assign(bestWeights[i]));
  const after = Math.min(final, best);
  tf.dispose(bestWeights);
  optimizer.dispose();
  return {
    steps: s,
    bestStep,
    heldOutLossBefore: before,
    heldOutLossAfter: after,
    stoppedEarly: bad >= patience,
  };
}
