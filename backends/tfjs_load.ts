/**
 * Loads a TF.js layers model from the bytes of `model.json` and `weights.bin` (no file system,
 * no fetch: Web APIs only, so it runs in Deno and in Workers).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { registerFourierFeatures } from "./fourier_features.ts";
import { registerOnnxGraph } from "./onnx_graph.ts";

/** Names used in messages: the manifest names of the two files. */
export interface TfjsFileNames {
  modelJson: string;
  weights: string;
}

function parseModelJson(bytes: Uint8Array, file: string): tf.io.ModelJSON {
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new SyntaxError(
      `Cannot load '${file}' as it is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (json === null || typeof json !== "object" || !json.modelTopology) {
    throw new TypeError(`Cannot load '${file}' as it has no 'modelTopology'`);
  }
  return json;
}

/** Bytes one value of a weight takes in `weights.bin` (quantized weights take fewer). */
function bytesPerValue(spec: tf.io.WeightsManifestEntry): number {
  const stored = spec.quantization?.dtype;
  if (stored === "float16" || stored === "uint16") return 2;
  if (stored === "uint8") return 1;
  return spec.dtype === "float32" || spec.dtype === "int32" ? 4 : 1;
}

/**
 * A layers model from its two files. The weights manifest must name exactly one path,
 * `weights.bin` (the layout `train/export/tfjs.ts` writes), and its sizes must match.
 */
export async function loadLayersModelFromBytes(
  files: { modelJson: Uint8Array; weights: Uint8Array },
  names: TfjsFileNames,
): Promise<tf.LayersModel> {
  const json = parseModelJson(files.modelJson, names.modelJson);
  const paths = (json.weightsManifest ?? []).flatMap((group) => group.paths);
  const base = names.weights.split("/").pop();
  if (paths.length !== 1 || paths[0] !== base) {
    throw new RangeError(
      `Cannot load '${names.modelJson}' as its weights manifest must name the single file ` +
        `'${base}': got [${paths.map((p) => `'${p}'`).join(", ")}]`,
    );
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(json, (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const weightData = files.weights.buffer.slice(
      files.weights.byteOffset,
      files.weights.byteOffset + files.weights.byteLength,
    ) as ArrayBuffer;
    return Promise.resolve([specs, weightData]);
  });
  const expected = (artifacts.weightSpecs ?? []).reduce((sum, spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    return sum + size * bytesPerValue(spec);
  }, 0);
  if (expected !== files.weights.byteLength) {
    throw new RangeError(
      `Cannot load '${names.weights}' as '${names.modelJson}' describes ${expected} bytes of ` +
        `weights: got ${files.weights.byteLength}`,
    );
  }
  // Custom layers the project's exports use (the ratio estimator's Fourier features).
  registerFourierFeatures();
  registerOnnxGraph();
  return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
