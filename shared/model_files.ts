/**
 * The names a model folder and its graphs use, defined once: the manifest schema, the trainer's
 * exporters, the backends and the Worker build all read them from here.
 *
 * @module
 */

/** Manifest names (keys of `files`) of a model's runtime files. */
export const MODEL_FILES = {
  /** G as ONNX: `z -> x`. */
  generator: "generator.onnx",
  /** D as ONNX: `x -> logit`. */
  discriminator: "discriminator.onnx",
  /** Optional fused G+D as ONNX: `z -> x, logit` (one call instead of two). */
  sampler: "sampler.onnx",
  /** TF.js layers models of G and D (the WASM backend's files). */
  tfjs: {
    generator: { modelJson: "tfjs/generator/model.json", weights: "tfjs/generator/weights.bin" },
    discriminator: {
      modelJson: "tfjs/discriminator/model.json",
      weights: "tfjs/discriminator/weights.bin",
    },
  },
} as const;

/**
 * Names of the graph values: G's input and output, D's output, and the class input of
 * class-conditional G and D (int64 `[N]` in ONNX, int32 `[N, 1]` in TF.js).
 */
export const GRAPH_NAMES = { latent: "z", sample: "x", logit: "logit", label: "class" } as const;
