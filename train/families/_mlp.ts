/**
 * Generator and discriminator builders (tf.Sequential of dense layers, exportable to ONNX).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** Options for {@linkcode buildMlp}. */
export interface MlpOptions {
  /** Hidden units per layer. @default {128} */
  hidden?: number;
  /** Hidden layers. @default {3} */
  layers?: number;
  /** Seed of the weight initialisers (layer k uses seed + k). @default {1} */
  seed?: number;
  /** Model name (prefixes layer names). @default {"mlp"} */
  name?: string;
}

/** A ReLU MLP: `// [batch, inDim] -> [batch, outDim]` with a linear head. */
export function buildMlp(
  dims: { in: number; out: number },
  options: MlpOptions = {},
): tf.Sequential {
  const hidden = options.hidden ?? 128;
  const layers = options.layers ?? 3;
  const seed = options.seed ?? 1;
  const name = options.name ?? "mlp";
  const model = tf.sequential({ name });
  for (let k = 0; k <= layers; k++) {
    const last = k === layers;
    model.add(tf.layers.dense({
      name: `${name}_dense${k}`,
      units: last ? dims.out : hidden,
      activation: last ? "linear" : "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + k }),
      ...(k === 0 ? { inputShape: [dims.in] } : {}),
    }));
  }
  return model;
}

/** G for 2D points: `// [batch, latentDim] -> [batch, 2]`. */
export function buildPointGenerator(
  latentDim: number,
  options: MlpOptions = {},
): tf.Sequential {
  return buildMlp({ in: latentDim, out: 2 }, { name: "generator", ...options });
}

/** D for 2D points, returning the pre-sigmoid logit: `// [batch, 2] -> [batch, 1]`. */
export function buildPointDiscriminator(options: MlpOptions = {}): tf.Sequential {
  return buildMlp({ in: 2, out: 1 }, { name: "discriminator", ...options });
}
