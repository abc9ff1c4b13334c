/**
 * Where training batches come from: real data by index and latents by index, both seeded,
 * so a run is reproducible and the GAN loop is independent of the dataset.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { normals } from "../shared/rng.ts";

/** Real samples for training and for held-out checks. */
export interface RealSource {
  /** Shape of one sample, e.g. [2] or [28, 28, 1]. */
  sampleShape: number[];
  /** Training samples `start .. start + count - 1`: `// [count, ...sampleShape]`. */
  train(start: number, count: number): tf.Tensor;
  /** Held-out samples never used for training: `// [count, ...sampleShape]`. */
  heldOut(start: number, count: number): tf.Tensor;
}

/** Latent streams of a training run (distinct from serving and burn-in streams). */
export const LATENT_STREAMS = { dStep: 20, gStep: 21, dOnly: 22, dOnlyCheck: 23 } as const;

/** Standard normal latents from a stream: `// [count, latentDim]`. */
export function latents(
  seed: number,
  stream: number,
  rows: { start: number; count: number; dim: number },
): tf.Tensor2D {
  return tf.tensor2d(normals(seed, rows, { stream }), [rows.count, rows.dim]);
}
