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

/** File name of the weights next to `model.json`. */
export const WEIGHTS_FILE = "weights.bin";

/** The two files of a saved TF.js layers model, as bytes. */
export interface TfjsModelFiles {
  /** `model.json`: topology plus a weights manifest pointing at `weights.bin`. */
  modelJson: Uint8Array;
  /** `weights.bin`: every weight, float32, in the manifest's order. */
  weights: Uint8Array;
}

/** Serializes `model` with TF.js's save handler (no files written). */
export async function tfjsModelFiles(model: tf.LayersModel): Promise<TfjsModelFiles> {
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
  const weightData = captured.weightData === undefined
    ? new ArrayBuffer(0)
    : tf.io.CompositeArrayBuffer.join(captured.weightData);
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
