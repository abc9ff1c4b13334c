/**
 * The figure beside a class-conditional model (`report.png`): one row per class with held-out
 * real images, raw G samples and DRS samples of that class side by side, and the metrics of
 * each column.
 *
 * @module
 */

import { type Canvas, createCanvas, drawGray, drawText, encodePng } from "../../shared/raster.ts";

/**
 * Seed of the per-class evaluation and figure draws (class c uses seed + c), apart from
 * training, burn-in and serving seeds.
 */
export const EVAL_SEED = 424242;

/** Images per class in each column of a figure. */
export const FIGURE_PER_CLASS = 6;

/** The share of the FD gap between raw G and the real floor that `fd` closes. */
export function gapClosed(fd: number, ends: { raw: number; real: number }): number {
  return (ends.raw - fd) / (ends.raw - ends.real);
}

/** A figure column's caption from a setting's metrics: `FD 4.63  ACC 99.7%  COST 8.0`. */
export function metricsCaption(m: Record<string, number>, cost: number): string {
  return `FD ${m.fd.toFixed(2)}  ACC ${(m.classAccuracy * 100).toFixed(1)}%  COST ${
    cost.toFixed(1)
  }`;
}

/** Tiles `n` grayscale images (`// [n, height * width]` in [-1, 1]) `cols` per row at (x, y). */
export function drawImageGrid(
  canvas: Canvas,
  images: Float32Array,
  at: {
    x: number;
    y: number;
    cols: number;
    scale: number;
    gap?: number;
    height: number;
    width: number;
  },
): void {
  const size = at.height * at.width, gap = at.gap ?? 2;
  const [dx, dy] = [at.width * at.scale + gap, at.height * at.scale + gap];
  for (let k = 0; k < images.length / size; k++) {
    drawGray(canvas, images.subarray(k * size, (k + 1) * size), {
      x: at.x + (k % at.cols) * dx,
      y: at.y + Math.floor(k / at.cols) * dy,
      width: at.width,
      height: at.height,
      scale: at.scale,
    });
  }
}

/** The first `count` images of each class in `held`, class-major (a figure's real column). */
export function imagesPerClass(
  held: { images: Float32Array; labels: Uint8Array },
  classes: number,
  count: number,
): Float32Array {
  const size = held.images.length / held.labels.length;
  const out = new Float32Array(classes * count * size);
  for (let c = 0; c < classes; c++) {
    let k = 0;
    for (let i = 0; i < held.labels.length && k < count; i++) {
      if (held.labels[i] !== c) continue;
      out.set(held.images.subarray(i * size, (i + 1) * size), (c * count + k++) * size);
    }
  }
  return out;
}

/** Class-major image sets (`// [classes * perClass, h * w]`, rows `c * perClass ..` of class c). */
export interface CondPanels {
  /** Shape of one image: `[height, width, 1]`. */
  imageShape: readonly number[];
  real: { images: Float32Array; perClass: number };
  raw: { images: Float32Array; perClass: number };
  drs: { images: Float32Array; perClass: number };
  /** DRS with a density-ratio estimator in D's place: a fourth column when given. */
  estimator?: { images: Float32Array; perClass: number };
  /** Class labels, in index order. */
  classes: readonly string[];
  /** Title of the fourth column. @default {"DRS WITH ESTIMATOR"} */
  estimatorTitle?: string;
  /** Captions under the column titles: real, raw G, DRS (and DRS with the estimator). */
  captions: string[];
}

/** Renders the figure: `cols` images per class and column. */
export function renderCondReport(
  panels: CondPanels,
  options: { cols?: number; scale?: number } = {},
): Uint8Array {
  const [height, width] = panels.imageShape, size = height * width;
  const cols = options.cols ?? 6, scale = options.scale ?? 2, gap = 2;
  const side = Math.max(height, width) * scale + gap;
  const label = 120, pad = 14, header = 44;
  const columnWidth = cols * side;
  const count = panels.estimator ? 4 : 3;
  const canvasWidth = label + count * columnWidth + (count - 1) * pad + 8;
  const canvasHeight = header + panels.classes.length * side + 8;
  const canvas = createCanvas(canvasWidth, canvasHeight);
  const columns = [
    { title: "REAL (HELD OUT)", set: panels.real, caption: panels.captions[0] },
    { title: "RAW G", set: panels.raw, caption: panels.captions[1] },
    {
      title: panels.estimator ? "DRS WITH D" : "DRS",
      set: panels.drs,
      caption: panels.captions[2],
    },
    ...(panels.estimator
      ? [{
        title: panels.estimatorTitle ?? "DRS WITH ESTIMATOR",
        set: panels.estimator,
        caption: panels.captions[3] ?? "",
      }]
      : []),
  ];
  columns.forEach((column, k) => {
    const x = label + k * (columnWidth + pad);
    drawText(canvas, column.title, { x, y: 6, scale: 2 });
    drawText(canvas, column.caption, { x, y: 26, scale: 1 });
    panels.classes.forEach((_, c) => {
      const start = c * column.set.perClass * size;
      const shown = Math.min(cols, column.set.perClass);
      drawImageGrid(canvas, column.set.images.subarray(start, start + shown * size), {
        x,
        y: header + c * side,
        cols,
        scale,
        gap,
        height,
        width,
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
