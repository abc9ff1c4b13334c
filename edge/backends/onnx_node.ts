/**
 * The ONNX Runtime (onnxruntime-node) backend: `generator.onnx` then `discriminator.onnx`,
 * one session each, reused across calls; G's output tensor feeds D without a copy.
 *
 * @module
 */

import * as ort from "onnxruntime-node";
import type { Backend, BackendInit, BackendOutput } from "./mod.ts";
import { checkGraph, type GraphValue, pairExpectations } from "./_graph_check.ts";

/** Options for {@linkcode openOnnxBackend}. */
export interface OnnxBackendOptions {
  /** Threads inside one operator (1 suits many concurrent small requests). @default {1} */
  intraOpThreads?: number;
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

function checkCount(what: string, values: Float32Array, n: number, per: number): void {
  if (!Number.isInteger(n) || n < 1 || values.length !== n * per) {
    throw new RangeError(
      `Cannot run the model as '${what}' must hold n * ${per} values for n = ${n}: ` +
        `got ${values.length}`,
    );
  }
}

/** Opens `generator.onnx` and `discriminator.onnx`, checking their inputs and outputs. */
export async function openOnnxBackend(
  init: BackendInit,
  options: OnnxBackendOptions = {},
): Promise<Backend> {
  const files = { generator: "generator.onnx", discriminator: "discriminator.onnx" };
  const expect = pairExpectations(init, files);
  const [gBytes, dBytes] = await Promise.all([
    init.readFile(files.generator),
    init.readFile(files.discriminator),
  ]);
  const g = await createSession(files.generator, gBytes, options);
  const d = await createSession(files.discriminator, dBytes, options).catch(async (error) => {
    await g.release();
    throw error;
  });
  try {
    checkGraph(graphValues(g), expect.generator);
    checkGraph(graphValues(d), expect.discriminator);
  } catch (error) {
    await Promise.all([g.release(), d.release()]);
    throw error;
  }
  const latentDim = init.latentDim;
  const sampleShape = [...init.sampleShape];
  const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
  let open = true;

  async function generateTensor(z: Float32Array, n: number): Promise<ort.Tensor> {
    if (!open) throw new Error("Cannot run the model as the ONNX backend is disposed");
    checkCount("z", z, n, latentDim);
    const out = await g.run({ z: new ort.Tensor("float32", z, [n, latentDim]) });
    return out.x; // [n, ...sampleShape]
  }

  async function discriminateTensor(x: ort.Tensor): Promise<Float32Array> {
    const out = await d.run({ x });
    return out.logit.data as Float32Array; // [n, 1] read as [n]
  }

  return {
    name: "onnx",
    async run(z: Float32Array, n: number): Promise<BackendOutput> {
      const x = await generateTensor(z, n);
      const logits = await discriminateTensor(x);
      return { x: x.data as Float32Array, logits };
    },
    async generate(z: Float32Array, n: number): Promise<Float32Array> {
      return (await generateTensor(z, n)).data as Float32Array;
    },
    discriminate(x: Float32Array, n: number): Promise<Float32Array> {
      if (!open) throw new Error("Cannot run the model as the ONNX backend is disposed");
      checkCount("x", x, n, sampleSize);
      return discriminateTensor(new ort.Tensor("float32", x, [n, ...sampleShape]));
    },
    async dispose(): Promise<void> {
      if (!open) return;
      open = false;
      await Promise.all([g.release(), d.release()]);
    },
  };
}
