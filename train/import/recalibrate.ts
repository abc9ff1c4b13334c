/**
 * Re-runs DRS calibration for a model folder that already has a manifest (a shipped model),
 * through the same {@linkcode calibrateModel} and ONNX backend as trained and imported pairs
 * (per class for a class-conditional model).
 *
 * @module
 */

import { openOnnxBackend } from "../../backends/onnx_node.ts";
import { verifyFileBytes } from "../../shared/hash.ts";
import { type Manifest, parseManifest, parseManifestText } from "../../shared/manifest.ts";
import { calibrateModel } from "../calibrate.ts";

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
  const classes = manifest.classes?.length ?? 0;
  const backend = await openOnnxBackend({
    latentDim: manifest.latentDim,
    sampleShape: manifest.sampleShape,
    classes,
    readFile: (name) => Promise.resolve(files[name]),
  });
  try {
    const shape = { latentDim: manifest.latentDim, classes, latentPrior: manifest.latentPrior };
    const drs = await calibrateModel(backend, shape, {
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
