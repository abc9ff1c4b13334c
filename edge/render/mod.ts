/** Rendering samples as JSON arrays or PNG images. @module */

import type { Manifest } from "../../shared/manifest.ts";
import { gridPng, scatterPng } from "./png.ts";

export { float32Json, float32Number, samplesJson, samplesToArrays } from "./json.ts";
export { createSamplesJsonWriter, samplesJsonBytes, type SamplesJsonWriter } from "./json_bytes.ts";
export { gridPng, imageLayout, scatterPng } from "./png.ts";

/** Options for {@linkcode renderPng}. */
export interface RenderPngOptions {
  /** 1..8. @default {1} */
  scale?: number;
  /** Images per grid row (one row per class for `class=all`). @default {near-square} */
  columns?: number;
}

function extentOf(manifest: Manifest): [number, number] {
  const [lo, hi] = manifest.outputRange;
  return hi > lo ? [lo, hi] : [-5, 5];
}

/** The PNG for a model's samples: scatter for `points2d`, tiled grid for `image`. */
export function renderPng(
  manifest: Manifest,
  samples: { x: Float32Array; n: number },
  options: RenderPngOptions = {},
): Uint8Array {
  const { x, n } = samples;
  const scale = options.scale ?? 1;
  if (manifest.kind === "points2d") return scatterPng(x, n, { extent: extentOf(manifest), scale });
  return gridPng(x, n, manifest.sampleShape, {
    range: extentOf(manifest),
    scale,
    columns: options.columns,
  });
}
