/**
 * A cap on the pixels one PNG answer may hold. Drawing and encoding run on the request thread
 * (about 0.1 us a pixel here), so an uncapped `n=256&scale=8` MNIST grid (12.8M pixels, ~1.4 s)
 * would stall every other request; it is refused before any sampling work.
 *
 * @module
 */

import { HttpError } from "../errors.ts";
import { imageLayout } from "./png.ts";

/** Most pixels of one rendered image grid: 2048 x 1024. */
export const MAX_PNG_PIXELS = 2048 * 1024;

/** Width and height in pixels of the PNG answer of `n` samples at `scale` (as `gridPng` draws it). */
export function pngSize(
  model: { kind: string; sampleShape: readonly number[] },
  q: { n: number; scale: number },
): { width: number; height: number } {
  if (model.kind !== "image") return { width: 256 * q.scale, height: 256 * q.scale };
  const { h, w } = imageLayout(model.sampleShape);
  const cols = Math.ceil(Math.sqrt(q.n)), rows = Math.ceil(q.n / cols);
  const gap = q.n === 1 ? 0 : q.scale;
  return {
    width: cols * w * q.scale + (cols + 1) * gap,
    height: rows * h * q.scale + (rows + 1) * gap,
  };
}

/**
 * Throws `400 invalid_parameter` naming `scale` when `n` images of `sampleShape` at `scale`
 * exceed {@linkcode MAX_PNG_PIXELS}. Scatter plots (points2d) have a fixed size and pass.
 */
export function checkPngSize(
  model: { kind: string; sampleShape: readonly number[] },
  q: { n: number; scale: number },
): void {
  if (model.kind !== "image") return;
  const { h, w } = imageLayout(model.sampleShape);
  const pixels = q.n * h * w * q.scale * q.scale;
  if (pixels <= MAX_PNG_PIXELS) return;
  const most = Math.floor(Math.sqrt(MAX_PNG_PIXELS / (q.n * h * w)));
  throw new HttpError(
    400,
    "invalid_parameter",
    `Cannot render as ${q.n} images at 'scale' ${q.scale} would be ${pixels} pixels, over ` +
      `${MAX_PNG_PIXELS}: use scale <= ${Math.max(1, most)} or a smaller n`,
    { details: { parameter: "scale", expected: `n * ${h} * ${w} * scale^2 <= ${MAX_PNG_PIXELS}` } },
  );
}
