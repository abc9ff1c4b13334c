/**
 * TF.js layers model -> `model.json` + `weights.bin`, through TF.js's own IO
 * (`tf.io.withSaveHandler`), in the layout `tf.loadLayersModel` reads: one weights group whose
 * only path is `weights.bin`. The matching loader (bytes -> model) lives in
 * `edge/backends/_tfjs_load.ts` so the edge can use it without Deno APIs.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { loadLayersModelFromBytes } from "../../backends/tfjs_load.ts";
import { float16Bits, roundToFloat16 } from "./float16.ts";

/** File name of the weights next to `model.json`. */
export const WEIGHTS_FILE = "weights.bin";

/** The two files of a saved TF.js layers model, as bytes. */
export interface TfjsModelFiles {
  /** `model.json`: topology plus a weights manifest pointing at `weights.bin`. */
  modelJson: Uint8Array;
  /** `weights.bin`: every weight, float32, in the manifest's order. */
  weights: Uint8Array;
}

/** Options for {@linkcode tfjsModelFiles}. */
export interface TfjsFilesOptions {
  /**
   * Store float32 weights as IEEE half precision (TF.js `float16` quantization, decoded to
   * float32 on load): half the bytes. Round the model's weights first (`roundModelToFloat16`)
   * so other exports of the model hold the same values. @default {false}
   */
  float16?: boolean;
}

/** Serializes `model` with TF.js's save handler (no files written). */
export async function tfjsModelFiles(
  model: tf.LayersModel,
  options: TfjsFilesOptions = {},
): Promise<TfjsModelFiles> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((artifacts) => {
    captured = artifacts;
    return Promise.resolve({
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: "JSON",
      },
    });
  }));
  if (!captured?.modelTopology || !captured.weightSpecs) {
    throw new Error(`Cannot save model '${model.name}' as TF.js returned no topology or weights`);
  }
  let weightData = captured.weightData === undefined
    ? new ArrayBuffer(0)
    : tf.io.CompositeArrayBuffer.join(captured.weightData);
  if (options.float16) {
    ({ weightData, specs: captured.weightSpecs } = toFloat16(weightData, captured.weightSpecs));
  }
  const modelJson: tf.io.ModelJSON = {
    modelTopology: captured.modelTopology,
    format: captured.format ?? "layers-model",
    generatedBy: captured.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: captured.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: captured.weightSpecs }],
  };
  return {
    modelJson: new TextEncoder().encode(JSON.stringify(modelJson)),
    weights: new Uint8Array(weightData),
  };
}

/** float32 weights re-encoded as half precision, their specs marked `float16`-quantized. */
function toFloat16(
  data: ArrayBuffer,
  specs: tf.io.WeightsManifestEntry[],
): { weightData: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] } {
  const parts: Uint8Array[] = [];
  const out: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = count * 4; // float32 and int32 alike
    if (spec.dtype === "float32") {
      parts.push(new Uint8Array(float16Bits(new Float32Array(data, offset, count)).buffer));
      out.push({ ...spec, quantization: { dtype: "float16" } });
    } else {
      parts.push(new Uint8Array(data, offset, bytes));
      out.push(spec);
    }
    offset += bytes;
  }
  const joined = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) (joined.set(p, at), at += p.length);
  return { weightData: joined.buffer, specs: out };
}

/** Rounds every float32 weight of `model` to half precision in place (see `float16`). */
export function roundModelToFloat16(model: tf.LayersModel): void {
  const rounded = model.getWeights().map((w) =>
    w.dtype === "float32" ? tf.tensor(roundToFloat16(w.dataSync() as Float32Array), w.shape) : w
  );
  model.setWeights(rounded);
  rounded.forEach((w) => w.dispose());
}

/**
 * Writes `model.json` and `weights.bin` into `dir` (created if missing). Returns the two
 * files' bytes so callers can hash them without reading them back.
 */
export async function saveTfjsModel(model: tf.LayersModel, dir: string): Promise<TfjsModelFiles> {
  const files = await tfjsModelFiles(model);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(`${dir}/model.json`, files.modelJson);
  await Deno.writeFile(`${dir}/${WEIGHTS_FILE}`, files.weights);
  return files;
}

/** Reads the model that {@linkcode saveTfjsModel} wrote into `dir`. */
export async function loadTfjsModel(dir: string): Promise<tf.LayersModel> {
  const names = { modelJson: `${dir}/model.json`, weights: `${dir}/${WEIGHTS_FILE}` };
  return await loadLayersModelFromBytes({
    modelJson: await Deno.readFile(names.modelJson),
    weights: await Deno.readFile(names.weights),
  }, names);
}
