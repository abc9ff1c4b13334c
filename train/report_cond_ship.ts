/**
 * The figure beside a class-conditional model (`report.png`): one row per class with held-out
 * real images, raw G samples and DRS samples of that class side by side, and the metrics of
 * each column.
 *
 * @module
 */

import { createCanvas, drawText, encodePng } from "../shared/raster.ts";
import { drawImageGrid } from "./report_image.ts";

/** Class-major image sets (`// [classes * perClass, 784]`, rows `c * perClass ..` of class c). */
export interface CondPanels {
  real: { images: Float32Array; perClass: number };
  raw: { images: Float32Array; perClass: number };
  drs: { images: Float32Array; perClass: number };
  /** Class labels, in index order. */
  classes: readonly string[];
  /** Captions under the column titles: real, raw G, DRS. */
  captions: [string, string, string];
}

/** Renders the figure: `cols` images per class and column. */
export function renderCondReport(
  panels: CondPanels,
  options: { cols?: number; scale?: number } = {},
): Uint8Array {
  const cols = options.cols ?? 6, scale = options.scale ?? 2, gap = 2, side = 28 * scale + gap;
  const label = 120, pad = 14, header = 44;
  const columnWidth = cols * side;
  const width = label + 3 * columnWidth + 2 * pad + 8;
  const height = header + panels.classes.length * side + 8;
  const canvas = createCanvas(width, height);
  const columns = [
    { title: "REAL (HELD OUT)", set: panels.real, caption: panels.captions[0] },
    { title: "RAW G", set: panels.raw, caption: panels.captions[1] },
    { title: "DRS", set: panels.drs, caption: panels.captions[2] },
  ];
  columns.forEach((column, k) => {
    const x = label + k * (columnWidth + pad);
    drawText(canvas, column.title, { x, y: 6, scale: 2 });
    drawText(canvas, column.caption, { x, y: 26, scale: 1 });
    panels.classes.forEach((_, c) => {
      const start = c * column.set.perClass * 784;
      const shown = Math.min(cols, column.set.perClass);
      drawImageGrid(canvas, column.set.images.subarray(start, start + shown * 784), {
        x,
        y: header + c * side,
        cols,
        scale,
        gap,
      });
    });
  });
  panels.classes.forEach((name, c) => {
    drawText(canvas, (name === String(c) ? name : `${c} ${name}`).slice(0, 19), {
      x: 4,
      y: header + c * side + side / 2 - 4,
      scale: 1,
    });
  });
  return encodePng(canvas);
}
