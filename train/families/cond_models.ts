/**
 * Class-conditional DCGAN-style generator and discriminators for 28 x 28 grayscale images,
 * built from TF.js layers that train/export writes to ONNX and TF.js:
 *
 * - G: `z [N, latentDim]`, `class [N, 1]` (int32) -> `x [N, 28, 28, 1]` in [-1, 1]. The class
 *   embedding is concatenated to z; nearest-neighbour upsampling + 3 x 3 convs (a transposed
 *   conv is the slow op on tfjs-wasm), optional batch norm.
 * - D, projection (Miyato & Koyama 2018): `logit = psi(phi(x)) + <embed(y), phi(x)>`.
 * - D, ACGAN (tfjs-examples mnist-acgan): a real/fake head and an auxiliary class head on
 *   phi(x); the DRS logit is the real/fake head (the class input is then unused).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import "../tfjs_wasm/tf_grad_fixes.ts";
import type { GeneratorConv } from "../config.ts";
import type { Discriminator } from "../gan/step.ts";

/** How D uses the class. */
export type Conditioning = "proj" | "acgan";

/** Options for {@linkcode buildCondGenerator}. */
export interface CondGeneratorOptions {
  /** Number of classes. @default {10} */
  classes?: number;
  /** Channels of the 7 x 7 grid the dense layer makes. @default {128} */
  gridChannels?: number;
  /**
   * The 3 x 3 convs in order of resolution; G upsamples (nearest, x2) whenever the next conv
   * (or the 28 x 28 output conv) runs at a higher resolution.
   * @default {[{ at: 7, filters: 64 }, { at: 14, filters: 32 }]}
   */
  convs?: readonly GeneratorConv[];
  /** Kernel size of the output conv (28 x 28, one channel, tanh). @default {5} */
  outKernel?: number;
  /** Size of the class embedding concatenated to z. @default {32} */
  embedDim?: number;
  /** Batch norm after the dense and the inner convs. @default {true} */
  batchNorm?: boolean;
  /** Seed of the weight initialisers (layer k uses seed + k). @default {1} */
  seed?: number;
}

/** Options for {@linkcode buildCondDiscriminator}. */
export interface CondDiscriminatorOptions {
  /** Number of classes. @default {10} */
  classes?: number;
  /** Channels of the first conv (the second has 2x). @default {64} */
  width?: number;
  /** Units of phi(x), the feature both heads read. @default {256} */
  features?: number;
  /** Class conditioning of D. @default {"proj"} */
  conditioning?: Conditioning;
  /**
   * Give a projection D an auxiliary class head on phi(x) too (training only: the exported
   * logit stays the projection logit). ACGAN always has one. @default {false}
   */
  classHead?: boolean;
  /** Seed of the weight initialisers. @default {1} */
  seed?: number;
}

/** A conditional D: the exported view and the training view (which adds the class head). */
export type CondDiscriminator = Discriminator;

const SLOPE = 0.2;
const init = (seed: number) => tf.initializers.glorotUniform({ seed });
const sym = (t: unknown) => t as tf.SymbolicTensor;

/** The class input of every conditional model: int32 `[N, 1]`. */
export function classInput(): tf.SymbolicTensor {
  return tf.input({ shape: [1], dtype: "int32", name: "class" });
}

/** G: `// [z [N, latentDim], class [N, 1]] -> [N, 28, 28, 1]` in [-1, 1] (tanh). */
export function buildCondGenerator(
  latentDim: number,
  options: CondGeneratorOptions = {},
): tf.LayersModel {
  const seed = options.seed ?? 1, bn = options.batchNorm ?? true;
  const grid = options.gridChannels ?? 128;
  const convs = options.convs ?? [{ at: 7, filters: 64 }, { at: 14, filters: 32 }];
  const z = tf.input({ shape: [latentDim], name: "z" });
  const label = classInput();
  const embed = tf.layers.embedding({
    name: "generator_embed",
    inputDim: options.classes ?? 10,
    outputDim: options.embedDim ?? 32,
    embeddingsInitializer: tf.initializers.randomNormal({ stddev: 1, seed: seed + 10 }),
  }).apply(label); // [N, 1] -> [N, 1, embedDim]
  const flatEmbed = tf.layers.flatten({ name: "generator_embed_flat" }).apply(embed);
  let h = sym(tf.layers.concatenate({ name: "generator_concat" }).apply([z, sym(flatEmbed)]));
  const norm = (k: number) => {
    if (bn) h = sym(tf.layers.batchNormalization({ name: `generator_bn${k}` }).apply(h));
    h = sym(tf.layers.reLU({ name: `generator_act${k}` }).apply(h));
  };
  let size = 7;
  const upTo = (target: number) => {
    if (target < size) {
      throw new RangeError(
        `Cannot build G as its convs must run at non-decreasing resolutions: got ${target} ` +
          `after ${size}`,
      );
    }
    for (; size < target; size *= 2) {
      h = sym(tf.layers.upSampling2d({ name: `generator_up${size * 2}`, size: [2, 2] }).apply(h));
    }
  };
  // [N, latent + embed] -> [N, 7 * 7 * grid] -> [N, 7, 7, grid]
  h = sym(
    tf.layers.dense({
      name: "generator_dense",
      units: 7 * 7 * grid,
      useBias: !bn,
      kernelInitializer: init(seed),
    }).apply(h),
  );
  h = sym(tf.layers.reshape({ name: "generator_grid", targetShape: [7, 7, grid] }).apply(h));
  norm(0);
  // [N, s, s, *] -> (upsampled to `at`) -> [N, at, at, filters], for each conv
  convs.forEach((conv, k) => {
    upTo(conv.at);
    h = sym(
      tf.layers.conv2d({
        name: `generator_conv${k + 1}`,
        filters: conv.filters,
        kernelSize: 3,
        padding: "same",
        useBias: !bn,
        kernelInitializer: init(seed + k + 1),
      }).apply(h),
    );
    norm(k + 1);
  });
  // [N, s, s, *] -> [N, 28, 28, *] -> [N, 28, 28, 1]
  upTo(28);
  const x = tf.layers.conv2d({
    name: "generator_out",
    filters: 1,
    kernelSize: options.outKernel ?? 5,
    padding: "same",
    activation: "tanh",
    kernelInitializer: init(seed + 9),
  }).apply(h);
  return tf.model({ name: "generator", inputs: [z, label], outputs: sym(x) });
}

/** D: `// [x [N, 28, 28, 1], class [N, 1]] -> logit [N, 1]` (see {@linkcode CondDiscriminator}). */
export function buildCondDiscriminator(options: CondDiscriminatorOptions = {}): CondDiscriminator {
  const c = options.width ?? 64, seed = options.seed ?? 1, classes = options.classes ?? 10;
  const features = options.features ?? 256;
  const x = tf.input({ shape: [28, 28, 1], name: "x" });
  const label = classInput();
  let h = x;
  // [N, 28, 28, 1] -> [N, 14, 14, c] -> [N, 7, 7, 2c]
  [c, 2 * c].forEach((filters, k) => {
    h = sym(
      tf.layers.conv2d({
        name: `discriminator_conv${k}`,
        filters,
        kernelSize: 4,
        strides: 2,
        padding: "same",
        kernelInitializer: init(seed + k),
      }).apply(h),
    );
    h = sym(tf.layers.leakyReLU({ name: `discriminator_act${k}`, alpha: SLOPE }).apply(h));
  });
  // [N, 7, 7, 2c] -> [N, 98c] -> phi [N, features]
  h = sym(tf.layers.flatten({ name: "discriminator_flat" }).apply(h));
  h = sym(
    tf.layers.dense({
      name: "discriminator_phi",
      units: features,
      kernelInitializer: init(seed + 2),
    }).apply(h),
  );
  const phi = sym(tf.layers.leakyReLU({ name: "discriminator_phi_act", alpha: SLOPE }).apply(h));
  const psi = sym(
    tf.layers.dense({
      name: "discriminator_psi",
      units: 1,
      kernelInitializer: init(seed + 3),
    }).apply(phi),
  ); // [N, features] -> [N, 1]
  const classLogits = () =>
    sym(
      tf.layers.dense({
        name: "discriminator_aux",
        units: classes,
        kernelInitializer: init(seed + 4),
      }).apply(phi),
    ); // [N, features] -> [N, classes]
  const withHead = (logit: tf.SymbolicTensor) => ({
    model: tf.model({ name: "discriminator", inputs: [x, label], outputs: logit }),
    heads: tf.model({
      name: "discriminator_heads",
      inputs: [x, label],
      outputs: [logit, classLogits()],
    }),
  });
  if ((options.conditioning ?? "proj") === "acgan") return withHead(psi);
  const embed = tf.layers.embedding({
    name: "discriminator_embed",
    inputDim: classes,
    outputDim: features,
    embeddingsInitializer: init(seed + 5),
  }).apply(label); // [N, 1] -> [N, 1, features]
  const flatEmbed = sym(tf.layers.flatten({ name: "discriminator_embed_flat" }).apply(embed));
  const projection = tf.layers.dot({ name: "discriminator_proj", axes: 1 }).apply([
    phi,
    flatEmbed,
  ]); // <phi, embed(y)>: [N, 1]
  const logit = sym(tf.layers.add({ name: "discriminator_logit" }).apply([psi, sym(projection)]));
  if (options.classHead) return withHead(logit);
  const model = tf.model({ name: "discriminator", inputs: [x, label], outputs: logit });
  return { model, heads: model };
}

/** The exported view of a (possibly reloaded) heads model: its first output only. */
export function exportedDiscriminator(heads: tf.LayersModel): tf.LayersModel {
  if (heads.outputs.length === 1) return heads;
  return tf.model({ name: "discriminator", inputs: heads.inputs, outputs: heads.outputs[0] });
}

/** Freezes D's feature layers (convs and phi): only psi and the class projection train. */
export function freezeFeatures(d: tf.LayersModel): void {
  const features = d.layers.filter((l) => /^discriminator_(conv|phi)/.test(l.name));
  if (features.length === 0) {
    throw new Error(
      "Cannot use '--init d-features' as D has no discriminator_conv or discriminator_phi " +
        `layers (a D trained here has them): its layers are ${
          d.layers.map((l) => l.name).join(", ")
        }`,
    );
  }
  for (const layer of features) layer.trainable = false;
}
