/**
 * Re-runs DRS calibration for a model folder that already has a manifest (a shipped model),
 * through the same {@linkcode calibrateBackend} and ONNX backend as bring-your-own pairs.
 *
 * @module
 */

import { openOnnxBackend } from "../../backends/onnx_node.ts";
import { verifyFileBytes } from "../../shared/hash.ts";
import { type Manifest, parseManifest, parseManifestText } from "../../shared/manifest.ts";
import { calibrateBackend } from "../calibrate.ts";

/** Options for {@linkcode recalibrateModel}. */
export interface RecalibrateOptions {
  /** Percentile of F taken as gamma. @default {the manifest's drs.percentile} */
  percentile?: number;
  /** Burn-in size. @default {the manifest's drs.burnInSamples} */
  samples?: number;
}

/**
 * Verifies the folder's files against its manifest, recomputes the `drs` block and
 * rewrites `manifest.json` (every other field kept). Returns the new manifest.
 */
export async function recalibrateModel(
  dir: string,
  options: RecalibrateOptions = {},
): Promise<Manifest> {
  const source = `${dir}/manifest.json`;
  const manifest = parseManifestText(await Deno.readTextFile(source), { source });
  // Every listed file is verified, as the edge does before serving.
  const files: Record<string, Uint8Array> = {};
  for (const [name, entry] of Object.entries(manifest.files)) {
    const bytes = await Deno.readFile(`${dir}/${entry.path}`);
    await verifyFileBytes(`${dir}/${entry.path}`, bytes, entry);
    files[name] = bytes;
  }
  const backend = await openOnnxBackend({
    latentDim: manifest.latentDim,
    sampleShape: manifest.sampleShape,
    readFile: (name) => Promise.resolve(files[name]),
  });
  try {
    const drs = await calibrateBackend(backend, manifest.latentDim, {
      percentile: options.percentile ?? manifest.drs.percentile,
      samples: options.samples ?? manifest.drs.burnInSamples,
      epsilon: manifest.drs.epsilon,
    });
    const updated = parseManifest({ ...manifest, drs }, { source });
    await Deno.writeTextFile(source, JSON.stringify(updated, null, 2) + "\n");
    return updated;
  } finally {
    await backend.dispose();
  }
}
