/**
 * The ONNX Runtime (onnxruntime-node) backend: `generator.onnx` then `discriminator.onnx`,
 * one session each, reused across calls; G's output tensor feeds D without a copy.
 *
 * @module
 */

import * as ort from "onnxruntime-node";
import { GRAPH_NAMES, MODEL_FILES } from "../shared/model_files.ts";
import type { BackendInit, BackendOutput, RunOptions, ScoringBackend } from "./types.ts";
import {
  checkClasses,
  checkCount,
  checkFusedGraph,
  checkGraph,
  type GraphValue,
  pairExpectations,
} from "./graph_check.ts";

/** Options for {@linkcode openOnnxBackend}. */
export interface OnnxBackendOptions {
  /** Threads inside one operator (1 suits many concurrent small requests). @default {1} */
  intraOpThreads?: number;
  /** Use `sampler.onnx` for `run` when the model ships one (one call instead of two). @default {true} */
  fused?: boolean;
  /** ONNX Runtime graph optimization level. @default {"all"} */
  graphOptimization?: "disabled" | "basic" | "extended" | "all";
}

function graphValues(session: ort.InferenceSession): {
  inputs: GraphValue[];
  outputs: GraphValue[];
} {
  // inputMetadata / outputMetadata carry shapes (ORT >= 1.22); fall back to names only.
  const meta = (
    list: readonly ort.InferenceSession.ValueMetadata[] | undefined,
    names: readonly string[],
  ) =>
    names.map((name, i) => {
      const m = list?.[i];
      return { name, shape: m && m.isTensor && m.shape.length > 0 ? m.shape : undefined };
    });
  return {
    inputs: meta(session.inputMetadata, session.inputNames),
    outputs: meta(session.outputMetadata, session.outputNames),
  };
}

async function createSession(
  file: string,
  bytes: Uint8Array,
  options: OnnxBackendOptions,
): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: options.intraOpThreads ?? 1,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: options.graphOptimization ?? "all",
    });
  } catch (error) {
    throw new Error(
      `Cannot open '${file}' as ONNX Runtime cannot load it (${bytes.byteLength} bytes): ` +
        (error as Error).message,
      { cause: error },
    );
  }
}

async function openSessions(init: BackendInit, options: OnnxBackendOptions) {
  const files = { generator: MODEL_FILES.generator, discriminator: MODEL_FILES.discriminator };
  const expect = pairExpectations(init, files);
  const sessions: ort.InferenceSession[] = [];
  const open = async (file: string, bytes: Uint8Array) => {
    const session = await createSession(file, bytes, options);
    sessions.push(session);
    return session;
  };
  try {
    const g = await open(files.generator, await init.readFile(files.generator));
    checkGraph(graphValues(g), expect.generator);
    const d = await open(files.discriminator, await init.readFile(files.discriminator));
    checkGraph(graphValues(d), expect.discriminator);
    // A model without a fused sampler (the manifest does not list it) runs G then D.
    const samplerBytes = (options.fused ?? true)
      ? await Promise.resolve().then(() => init.readFile(MODEL_FILES.sampler)).catch(() =>
        undefined
      )
      : undefined;
    let sampler: ort.InferenceSession | undefined;
    if (samplerBytes) {
      sampler = await open(MODEL_FILES.sampler, samplerBytes);
      checkFusedGraph(graphValues(sampler), { file: MODEL_FILES.sampler, ...expect });
    }
    return { g, d, sampler, sessions };
  } catch (error) {
    await Promise.all(sessions.map((s) => s.release()));
    throw error;
  }
}

/**
 * Opens `generator.onnx` and `discriminator.onnx` (and `sampler.onnx` when the model has one,
 * used by `run`), checking every graph's inputs and outputs against the shapes in `init`.
 */
export async function openOnnxBackend(
  init: BackendInit,
  options: OnnxBackendOptions = {},
): Promise<ScoringBackend> {
  const { g, d, sampler, sessions } = await openSessions(init, options);
  const latentDim = init.latentDim;
  let open = true;

  const { latent, sample, logit, label } = GRAPH_NAMES;
  const sampleSize = init.sampleShape.reduce((a, b) => a * b, 1);

  /**
   * G's feeds after the open and count checks: `z` `// [n, latentDim]` and, for a
   * class-conditional model, `class` `// [n]` (int64).
   */
  function feedsOf(z: Float32Array, n: number, options: RunOptions): Record<string, ort.Tensor> {
    if (!open) throw new Error("Cannot run the model as the ONNX backend is disposed");
    checkCount(z, { what: "z", n, per: latentDim });
    checkClasses(options.classes, { n, count: init.classes ?? 0 });
    const feeds: Record<string, ort.Tensor> = {
      [latent]: new ort.Tensor("float32", z, [n, latentDim]),
    };
    if (options.classes) {
      feeds[label] = new ort.Tensor("int64", BigInt64Array.from(options.classes, BigInt), [n]);
    }
    return feeds;
  }

  return {
    name: "onnx",
    async run(z: Float32Array, n: number, options: RunOptions = {}): Promise<BackendOutput> {
      const feeds = feedsOf(z, n, options);
      if (sampler) {
        const out = await sampler.run(feeds); // x [n, ...sampleShape], logit [n, 1]
        return { x: out[sample].data as Float32Array, logits: out[logit].data as Float32Array };
      }
      const x = (await g.run(feeds))[sample]; // [n, ...sampleShape], fed to D without a copy
      const dFeeds: Record<string, ort.Tensor> = { [sample]: x };
      if (feeds[label]) dFeeds[label] = feeds[label];
      const out = await d.run(dFeeds); // logit [n, 1] read as [n]
      return { x: x.data as Float32Array, logits: out[logit].data as Float32Array };
    },
    async generate(z: Float32Array, n: number, options: RunOptions = {}): Promise<Float32Array> {
      return (await g.run(feedsOf(z, n, options)))[sample].data as Float32Array; // [n, ...]
    },
    async discriminate(x: Float32Array, n: number, options: RunOptions = {}) {
      if (!open) throw new Error("Cannot run the model as the ONNX backend is disposed");
      checkCount(x, { what: "x", n, per: sampleSize });
      checkClasses(options.classes, { n, count: init.classes ?? 0 });
      const feeds: Record<string, ort.Tensor> = {
        [sample]: new ort.Tensor("float32", x, [n, ...init.sampleShape]),
      };
      if (options.classes) {
        feeds[label] = new ort.Tensor("int64", BigInt64Array.from(options.classes, BigInt), [n]);
      }
      return (await d.run(feeds))[logit].data as Float32Array; // [n, 1] read as [n]
    },
    async dispose(): Promise<void> {
      if (!open) return;
      open = false;
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}

/**
 * The output shape (without the batch dim) of a generator graph that left it dynamic, read off
 * one run on a batch of 2: `z` zeros `// [2, latentDim]`, and `class` 0, 1 (int64) when the
 * graph takes one.
 */
export async function probeGeneratorShape(
  bytes: Uint8Array,
  inputs: { latentDim: number; classes?: number },
): Promise<number[]> {
  const session = await createSession("generator.onnx", bytes, {});
  try {
    const feeds: Record<string, ort.Tensor> = {
      [GRAPH_NAMES.latent]: new ort.Tensor("float32", new Float32Array(2 * inputs.latentDim), [
        2,
        inputs.latentDim,
      ]),
    };
    if (inputs.classes) {
      feeds[GRAPH_NAMES.label] = new ort.Tensor("int64", BigInt64Array.from([0n, 1n]), [2]);
    }
    const out = await session.run(feeds);
    return [...out[session.outputNames[0]].dims.slice(1)];
  } finally {
    await session.release();
  }
}
