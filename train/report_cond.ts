/**
 * The sample sheet of a conditional model: one row per class (the first `cols` samples of
 * each class of a class-major set), with the class index at the start of the row and a
 * caption on top.
 *
 * @module
 */

import { createCanvas, drawText, encodePng } from "../shared/raster.ts";
import { drawImageGrid } from "./report_image.ts";

/** Options for {@linkcode renderClassGrid}. */
export interface ClassGridOptions {
  /** Samples shown per class. @default {10} */
  cols?: number;
  /** Pixel scale. @default {2} */
  scale?: number;
  /** Text above the grid (the 5 x 7 font has A-Z, 0-9 and some punctuation). @default {""} */
  caption?: string;
}

/**
 * A PNG of `images` (`// [classes * perClass, 784]` in [-1, 1], rows `c * perClass ..` of
 * class c), one row per class.
 */
export function renderClassGrid(
  images: Float32Array,
  shape: { classes: number; perClass: number },
  options: ClassGridOptions = {},
): Uint8Array {
  const cols = Math.min(options.cols ?? 10, shape.perClass), scale = options.scale ?? 2;
  const side = 28 * scale + 2, left = 24, top = options.caption ? 20 : 4;
  const canvas = createCanvas(left + cols * side + 4, top + shape.classes * side + 4);
  if (options.caption) drawText(canvas, options.caption, { x: 4, y: 4, scale: 1 });
  for (let c = 0; c < shape.classes; c++) {
    const y = top + c * side;
    drawText(canvas, String(c), { x: 4, y: y + side / 2 - 7, scale: 2 });
    const start = c * shape.perClass * 784;
    drawImageGrid(canvas, images.subarray(start, start + cols * 784), { x: left, y, cols, scale });
  }
  return encodePng(canvas);
}
