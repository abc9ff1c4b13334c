/**
 * The one interface between the sampler and an inference runtime. Only files in
 * `edge/backends/` import onnxruntime or tfjs; everything else sees {@linkcode Backend}.
 *
 * @module
 */

/** Names of the serving backends. */
export type BackendName = "onnx" | "wasm";

/** Output of one G+D pass over a batch. */
export interface BackendOutput {
  /** Generator samples, row-major: `// [n, ...sampleShape]`. */
  x: Float32Array;
  /** Discriminator logits (pre-sigmoid): `// [n]`. */
  logits: Float32Array;
}

/** An open model pair (generator and discriminator) on one runtime. */
export interface Backend {
  /** A serving backend's name, or `tfjs` for train-time models held in memory. */
  readonly name: BackendName | "tfjs";
  /**
   * True when the models run on another thread (`threaded.ts`): `run` returns at once, so the
   * sampler may queue the next batch while it decides this one. @default {false}
   */
  readonly offThread?: boolean;
  /** `// [n, latentDim] -> x [n, ...sampleShape], logits [n]` */
  run(z: Float32Array, n: number): Promise<BackendOutput>;
  /** Generator only (raw samples, no D pass): `// [n, latentDim] -> [n, ...sampleShape]`. */
  generate(z: Float32Array, n: number): Promise<Float32Array>;
  /** Discriminator only: `// [n, ...sampleShape] -> [n]`. */
  discriminate(x: Float32Array, n: number): Promise<Float32Array>;
  /** Releases sessions / tensors. Safe to call twice. */
  dispose(): Promise<void>;
}

/** Reads a model file by its manifest name (bytes already verified against the manifest). */
export type ReadModelFile = (name: string) => Promise<Uint8Array>;

/** What a backend needs to open a model. */
export interface BackendInit {
  latentDim: number;
  sampleShape: readonly number[];
  /** Files by manifest name, e.g. `generator.onnx`, `tfjs/generator/model.json`. */
  readFile: ReadModelFile;
}

/** Opens a model on one runtime. */
export type BackendFactory = (init: BackendInit) => Promise<Backend>;

/** The fused sampler's manifest name (optional: `z -> x, logit` in one graph). */
export const SAMPLER_FILE = "sampler.onnx";

/** Manifest file names each backend may read when the model ships them ({@linkcode SAMPLER_FILE}). */
export const OPTIONAL_BACKEND_FILES: Record<BackendName, readonly string[]> = {
  onnx: [SAMPLER_FILE],
  wasm: [],
};

/** Manifest file names each backend reads. */
export const BACKEND_FILES: Record<BackendName, readonly string[]> = {
  onnx: ["generator.onnx", "discriminator.onnx"],
  wasm: [
    "tfjs/generator/model.json",
    "tfjs/generator/weights.bin",
    "tfjs/discriminator/model.json",
    "tfjs/discriminator/weights.bin",
  ],
};
