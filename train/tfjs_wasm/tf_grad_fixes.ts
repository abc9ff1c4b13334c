/**
 * Gradients tfjs 4.22 does not register but second-order training needs: the R1 penalty
 * differentiates D's input gradient, and LeakyReLU's gradient goes through `Greater`, whose
 * own gradient (zero almost everywhere, as for every comparison) is missing. Importing this
 * module registers it once.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** Registers the zero gradient of `Greater` unless tfjs already has one. */
export function registerComparisonGradients(): void {
  if (tf.getGradient("Greater") !== undefined) return;
  tf.registerGradient({
    kernelName: "Greater",
    inputsToSave: ["a", "b"],
    gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({
      a: () => tf.zerosLike(saved[0]),
      b: () => tf.zerosLike(saved[1]),
    }),
  });
}

registerComparisonGradients();
