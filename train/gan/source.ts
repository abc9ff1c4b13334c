/**
 * Where training batches come from: real samples (with their classes when conditional) by
 * index, latents and fake classes by index, all seeded, so a run is reproducible and the GAN
 * loop is independent of the family and dataset.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { normals, uniforms } from "../../shared/rng.ts";
import type { Inputs } from "./step.ts";

/** Real samples for training and for held-out checks. */
export interface TrainSource {
  /** Shape of one sample, e.g. [2] or [28, 28, 1]. */
  sampleShape: readonly number[];
  /** Number of classes of a labelled dataset (0: unconditional). */
  classes: number;
  /** Training samples `start .. start + count - 1`: `x // [count, ...sampleShape]`, `y // [count, 1]`. */
  train(start: number, count: number): Inputs;
  /** Held-out samples never used for training. */
  heldOut(start: number, count: number): Inputs;
  /** How many held-out samples there are (Infinity for generated data). */
  heldOutCount: number;
}

/** Latent streams of a training run (distinct from serving and burn-in streams). */
export const LATENT_STREAMS = { dStep: 20, gStep: 21, dOnly: 22, dOnlyCheck: 23 } as const;
/** Class streams of a run, beside the latent streams. */
export const CLASS_STREAMS = { dStep: 30, gStep: 31, dOnly: 32, dOnlyCheck: 33 } as const;

/** Standard normal latents from a stream: `// [count, latentDim]`. */
export function latents(
  seed: number,
  stream: number,
  rows: { start: number; count: number; dim: number },
): tf.Tensor2D {
  return tf.tensor2d(normals(seed, rows, { stream }), [rows.count, rows.dim]);
}

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

/** Latents of rows `start ..` of one stream pair, with uniform classes when there are any. */
export function fakeInputs(
  seed: number,
  streams: { latent: number; label: number },
  rows: { start: number; count: number; dim: number; classes: number },
): { z: tf.Tensor2D; y?: tf.Tensor2D } {
  const z = latents(seed, streams.latent, rows); // [count, latentDim]
  if (rows.classes === 0) return { z };
  return { z, y: uniformClasses(seed, streams.label, rows) }; // [count, 1]
}
