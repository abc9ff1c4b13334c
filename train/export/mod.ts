/**
 * Writes a trained G/D pair in both formats the edge reads and returns the manifest's `files`
 * block (path, sha256, bytes per file):
 *
 * ```
 * generator.onnx                 z [N, latent] -> x [N, ...sampleShape]
 * discriminator.onnx             x [N, ...sampleShape] -> logit [N, 1]
 * sampler.onnx                   z -> x, logit in one graph (one ONNX Runtime call per batch)
 * tfjs/generator/model.json      + weights.bin
 * tfjs/discriminator/model.json  + weights.bin
 * ```
 *
 * A conditional pair (models with a second, int32 `[N, 1]` class input) adds the ONNX input
 * `class` (int64 `[N]`) to all three graphs: G `z, class -> x`, D `x, class -> logit`, the
 * sampler `z, class -> x, logit`.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { FileEntry } from "../../shared/manifest.ts";
import { sha256Hex } from "../../shared/hash.ts";
import { GRAPH_NAMES } from "../../backends/graph_check.ts";
import { fuseOnnxPair } from "./fuse.ts";
import { exportOnnx } from "./onnx.ts";
import { halfPrecisionInitializers } from "./onnx_float16.ts";
import { tfjsModelFiles } from "./tfjs.ts";

export { fuseOnnxPair } from "./fuse.ts";
export { exportOnnx, type ExportOnnxOptions } from "./onnx.ts";
export { halfPrecisionInitializers } from "./onnx_float16.ts";
export {
  loadTfjsModel,
  roundModelToFloat16,
  saveTfjsModel,
  type TfjsModelFiles,
  tfjsModelFiles,
} from "./tfjs.ts";

/** ONNX input names of a model: `first`, then `class` when it has a second input. */
function inputNames(model: tf.LayersModel, first: string): string[] {
  return model.inputs.length === 2 ? [first, GRAPH_NAMES.label] : [first];
}

/** A manifest file entry for bytes stored at `path` (relative to the model folder). */
export async function fileEntry(path: string, bytes: Uint8Array): Promise<FileEntry> {
  return { path, sha256: await sha256Hex(bytes), bytes: bytes.byteLength };
}

/**
 * Writes `outputs` (bytes by manifest name, e.g. `tfjs/generator/model.json`) under `outDir`,
 * creating folders, and returns the manifest `files` block hashed from the bytes written.
 */
export async function writeModelFiles(
  outDir: string,
  outputs: Record<string, Uint8Array>,
): Promise<Record<string, FileEntry>> {
  const entries: Record<string, FileEntry> = {};
  for (const [name, bytes] of Object.entries(outputs)) {
    const path = `${outDir}/${name}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeFile(path, bytes);
    entries[name] = await fileEntry(name, bytes);
  }
  return entries;
}

/** Manifest entries for files already in `dir`, keyed by their relative names. */
export async function hashFiles(
  dir: string,
  names: readonly string[],
): Promise<Record<string, FileEntry>> {
  const entries: Record<string, FileEntry> = {};
  for (const name of names) {
    entries[name] = await fileEntry(name, await Deno.readFile(`${dir}/${name}`));
  }
  return entries;
}

/** Options for {@linkcode exportModelPair}. */
export interface ExportModelPairOptions {
  /** Also write the TF.js models for the WASM backend. @default {true} */
  tfjs?: boolean;
  /** Also write `sampler.onnx`, G and D fused into one graph. @default {true} */
  fused?: boolean;
  /**
   * Weights stored in half precision, TF.js and ONNX (round the models first:
   * `roundModelToFloat16`; ONNX keeps a weight float32 unless it is exact in half precision).
   * @default {false}
   */
  float16?: boolean;
}

/**
 * Exports G and D into `outDir` (created if missing) and returns the manifest `files` block,
 * hashed from the bytes written.
 */
export async function exportModelPair(
  models: { generator: tf.LayersModel; discriminator: tf.LayersModel },
  outDir: string,
  options: ExportModelPairOptions = {},
): Promise<Record<string, FileEntry>> {
  const { generator, discriminator } = models;
  const outputs: Record<string, Uint8Array> = {
    "generator.onnx": exportOnnx(generator, {
      inputName: inputNames(generator, GRAPH_NAMES.latent),
      outputName: GRAPH_NAMES.sample,
    }),
    "discriminator.onnx": exportOnnx(discriminator, {
      inputName: inputNames(discriminator, GRAPH_NAMES.sample),
      outputName: GRAPH_NAMES.logit,
    }),
  };
  if (options.fused ?? true) {
    outputs["sampler.onnx"] = fuseOnnxPair(
      outputs["generator.onnx"],
      outputs["discriminator.onnx"],
    );
  }
  if (options.float16) {
    for (const [name, bytes] of Object.entries(outputs)) {
      outputs[name] = halfPrecisionInitializers(bytes).bytes;
    }
  }
  if (options.tfjs ?? true) {
    for (
      const [role, model] of [["generator", generator], ["discriminator", discriminator]] as const
    ) {
      const files = await tfjsModelFiles(model, { float16: options.float16 });
      outputs[`tfjs/${role}/model.json`] = files.modelJson;
      outputs[`tfjs/${role}/weights.bin`] = files.weights;
    }
  }
  return await writeModelFiles(outDir, outputs);
}
