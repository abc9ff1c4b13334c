/**
 * The runtime interface every backend implements and the files each reads: what `open.ts`, the
 * runtimes and their callers share (imports nothing back, so no module imports in a circle).
 *
 * @module
 */

import { MODEL_FILES } from "../shared/model_files.ts";

/** Names of the serving backends. */
export type BackendName = "onnx" | "wasm";

/** Output of one G+D pass over a batch. */
export interface BackendOutput {
  /** Generator samples, row-major: `// [n, ...sampleShape]`. */
  x: Float32Array;
  /** Discriminator logits (pre-sigmoid): `// [n]`. */
  logits: Float32Array;
}

/** Per-call inputs besides the latents. */
export interface RunOptions {
  /**
   * Class of each row, for class-conditional models (required there, refused elsewhere):
   * `// [n]`, each in `0 .. classes - 1`.
   */
  classes?: Int32Array;
}

/** An open model pair (generator and discriminator) on one runtime. */
export interface Backend {
  /** A serving backend's name, or `tfjs` for train-time models held in memory. */
  readonly name: BackendName | "tfjs";
  /**
   * True when the models run on another thread (edge/inference_thread): `run` returns at once,
   * so the sampler may queue the next batch while it decides this one. @default {false}
   */
  readonly offThread?: boolean;
  /** G then D: `// [n, latentDim] (+ classes [n]) -> x [n, ...sampleShape], logits [n]` */
  run(z: Float32Array, n: number, options?: RunOptions): Promise<BackendOutput>;
  /** G only (raw samples, no D pass): `// [n, latentDim] (+ classes [n]) -> [n, ...sampleShape]`. */
  generate(z: Float32Array, n: number, options?: RunOptions): Promise<Float32Array>;
  /** Releases sessions / tensors. Safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * A runtime's model pair that can also run D alone on given samples: what offline tools need
 * (diagnostics on held-out real data, calibrators, parity on fixed inputs). Serving never does,
 * so the serving interface ({@linkcode Backend}, the inference thread) has no such call.
 */
export interface ScoringBackend extends Backend {
  /** D only: `// [n, ...sampleShape] (+ classes [n]) -> logits [n]`. */
  discriminate(x: Float32Array, n: number, options?: RunOptions): Promise<Float32Array>;
}

/**
 * A backend refused a call as its queue is full (the inference thread's bounded queue): nothing
 * ran, and the same call may succeed shortly. The server answers 503 `overloaded`.
 */
export class BackendBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackendBusyError";
  }
}

/** Reads a model file by its manifest name (bytes already verified against the manifest). */
export type ReadModelFile = (name: string) => Promise<Uint8Array>;

/** What a backend needs to open a model. */
export interface BackendInit {
  latentDim: number;
  sampleShape: readonly number[];
  /** Number of classes of a class-conditional model (G and D take a `class` input). @default {0} */
  classes?: number;
  /** Files by manifest name, e.g. `generator.onnx`, `tfjs/generator/model.json`. */
  readFile: ReadModelFile;
}

/** Manifest file names each backend reads. */
export const BACKEND_FILES: Record<BackendName, readonly string[]> = {
  onnx: [MODEL_FILES.generator, MODEL_FILES.discriminator],
  wasm: [
    MODEL_FILES.tfjs.generator.modelJson,
    MODEL_FILES.tfjs.generator.weights,
    MODEL_FILES.tfjs.discriminator.modelJson,
    MODEL_FILES.tfjs.discriminator.weights,
  ],
};

/** Manifest file names each backend also reads when the model ships them. */
export const OPTIONAL_BACKEND_FILES: Record<BackendName, readonly string[]> = {
  onnx: [MODEL_FILES.sampler],
  wasm: [],
};
