/**
 * A {@linkcode TrainSource} over a 2D mixture: training and held-out points come from separate
 * seeds derived from the run's seed.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { TrainSource } from "../gan/source.ts";
import { type Mixture, samplePoints } from "./gaussians.ts";

/** Real points of `mix` for a run seeded with `seed`. */
export function pointSource(mix: Mixture, seed: number): TrainSource {
  const trainSeed = (seed * 2 + 1) >>> 0;
  const heldOutSeed = (seed * 2 + 2) >>> 0;
  return {
    sampleShape: [2],
    classes: 0,
    heldOutCount: Infinity,
    train: (start, count) => ({
      x: tf.tensor2d(samplePoints(mix, trainSeed, { start, count }), [count, 2]),
    }),
    heldOut: (start, count) => ({
      x: tf.tensor2d(samplePoints(mix, heldOutSeed, { start, count }), [count, 2]),
    }),
  };
}
