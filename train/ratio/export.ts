/**
 * Writes a candidate model folder's files: the base model's generator as is, the ratio
 * estimator in its discriminator's place (`discriminator.onnx`, `tfjs/discriminator/`), and
 * `sampler.onnx` fusing the two. Returns the manifest `files` block.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { GRAPH_NAMES } from "../../backends/graph_check.ts";
import type { FileEntry } from "../../shared/manifest.ts";
import { exportOnnx, fuseOnnxPair, tfjsModelFiles, writeModelFiles } from "../export/mod.ts";

/** Files taken from the base model unchanged. */
export const GENERATOR_FILES = [
  "generator.onnx",
  "tfjs/generator/model.json",
  "tfjs/generator/weights.bin",
] as const;

/** Exports `estimator` beside the base generator into `outDir` (created if missing). */
export async function exportRatioCandidate(
  estimator: tf.LayersModel,
  base: Record<string, Uint8Array>,
  outDir: string,
): Promise<Record<string, FileEntry>> {
  for (const name of GENERATOR_FILES) {
    if (!base[name]) {
      throw new RangeError(`Cannot export the candidate as the base model has no '${name}'`);
    }
  }
  const discriminator = exportOnnx(estimator, {
    inputName: GRAPH_NAMES.sample,
    outputName: GRAPH_NAMES.logit,
    docString: "density-ratio estimator (random Fourier features + MLP), logit output",
  });
  const tfjs = await tfjsModelFiles(estimator);
  const outputs: Record<string, Uint8Array> = {
    ...Object.fromEntries(GENERATOR_FILES.map((name) => [name, base[name]])),
    "discriminator.onnx": discriminator,
    "sampler.onnx": fuseOnnxPair(base["generator.onnx"], discriminator),
    "tfjs/discriminator/model.json": tfjs.modelJson,
    "tfjs/discriminator/weights.bin": tfjs.weights,
  };
  return await writeModelFiles(outDir, outputs);
}
