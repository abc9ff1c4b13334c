/**
 * The density-ratio estimator: random Fourier input features, then a small ReLU MLP with a
 * linear logit head, `// [N, inDim] -> [N, 1]`. Served exactly like a discriminator (ONNX
 * `x -> logit`, TF.js layers model with a `FourierFeatures` layer).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { FourierFeatures } from "../../backends/fourier_features.ts";

/** Shape of the estimator. */
export interface RatioModelConfig {
  /** Random frequencies (the features are their sin and cos). @default {128} */
  frequencies: number;
  /** Standard deviation of the frequency matrix B, in inverse input units. @default {5} */
  scale: number;
  /** Hidden units per layer. @default {256} */
  hidden: number;
  /** Hidden layers. @default {2} */
  layers: number;
}

/** Defaults: the notes' 128 frequencies and 2 x 256 MLP, scale in their 3..8 range. */
export const DEFAULT_RATIO_MODEL: RatioModelConfig = {
  frequencies: 128,
  scale: 5,
  hidden: 256,
  layers: 2,
};

/** Builds an estimator; `seed` seeds B (seed) and the dense initialisers (seed + 1 + k). */
export function buildRatioEstimator(
  inDim: number,
  options: Partial<RatioModelConfig> & { seed?: number; name?: string } = {},
): tf.Sequential {
  const config = { ...DEFAULT_RATIO_MODEL, ...options };
  const seed = options.seed ?? 1;
  const name = options.name ?? "ratio";
  const model = tf.sequential({ name });
  model.add(
    new FourierFeatures({
      name: `${name}_fourier`,
      units: config.frequencies,
      scale: config.scale,
      seed,
      inputShape: [inDim],
    }),
  );
  for (let k = 0; k <= config.layers; k++) {
    const last = k === config.layers;
    model.add(tf.layers.dense({
      name: `${name}_dense${k}`,
      units: last ? 1 : config.hidden,
      activation: last ? "linear" : "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 + k }),
    }));
  }
  return model;
}

/**
 * The model with a hard cap on its logit, min(l, cap) = cap - relu(cap - l), as three fixed
 * layers (dense -1/+cap, ReLU, dense -1/+cap) that export to ONNX and load in TF.js like any
 * other. A new Sequential sharing the model's layers (a built Sequential ignores `add`). Below
 * the cap the logit is unchanged up to the float32 rounding of cap - l.
 */
export function withLogitCap(model: tf.Sequential, cap: number): tf.Sequential {
  if (!Number.isFinite(cap)) {
    throw new RangeError(`Cannot cap the logit as 'cap' must be finite: current value is ${cap}`);
  }
  const flip = (name: string) =>
    tf.layers.dense({
      name: `${model.name}_${name}`,
      units: 1,
      trainable: false,
      kernelInitializer: tf.initializers.constant({ value: -1 }),
      biasInitializer: tf.initializers.constant({ value: cap }),
    });
  return tf.sequential({
    name: model.name,
    layers: [
      ...model.layers,
      flip("cap_gap"), // cap - l
      tf.layers.reLU({ name: `${model.name}_cap_relu` }), // max(cap - l, 0)
      flip("cap"), // cap - max(cap - l, 0) = min(l, cap)
    ],
  });
}
