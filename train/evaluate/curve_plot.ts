/**
 * The quality-cost figure: one metric against G+D evaluations per returned sample (log2 axis),
 * one line per sampler family, as a PNG.
 *
 * @module
 */

import {
  blendPixel,
  type Canvas,
  createCanvas,
  drawText,
  encodePng,
  fillRect,
  type Rgb,
} from "../../shared/raster.ts";
import type { CurveRow } from "./curves.ts";

const COLORS: Record<CurveRow["family"], Rgb> = {
  raw: [40, 40, 40],
  truncation: [46, 125, 50],
  drs: [31, 78, 160],
  "calibrated drs": [120, 60, 170],
  mh: [200, 70, 40],
  "calibrated mh": [230, 150, 30],
};

function line(canvas: Canvas, a: [number, number], b: [number, number], color: Rgb): void {
  const steps = Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]), 1);
  for (let i = 0; i <= steps; i++) {
    const x = Math.round(a[0] + ((b[0] - a[0]) * i) / steps);
    const y = Math.round(a[1] + ((b[1] - a[1]) * i) / steps);
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1]]) blendPixel(canvas, x + dx, y + dy, color);
  }
}

/** Options for {@linkcode curvePlot}. */
export interface CurvePlotOptions {
  /** The metric on the y axis. */
  metric: string;
  /** Its axis title, e.g. `HIGH QUALITY %`. */
  title: string;
  /** Multiply the metric for display (e.g. 100 for a share). @default {1} */
  scale?: number;
  /** The figure's heading. */
  heading: string;
}

/**
 * The metric axis: the finite values' range padded by 8% (never below 0 when no value is), cut
 * below the largest value when it (raw G of a model whose G has a junk mode) is over four times
 * as far above the median as the rest spread (or as half the median).
 */
export function axisRange(values: readonly number[]): [number, number] {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return [0, 1];
  const median = sorted[Math.floor(sorted.length / 2)];
  let top = sorted.length - 1;
  if (top >= 2) {
    const spread = Math.max(sorted[top - 1] - sorted[0], Math.abs(median) * 0.5);
    if (spread > 0 && sorted[top] - median > 4 * spread) top--;
  }
  const [lo, hi] = [sorted[0], sorted[top]];
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1;
  return [lo >= 0 ? Math.max(0, lo - pad) : lo - pad, hi + pad];
}

/** The figure as PNG bytes. */
export function curvePlot(rows: readonly CurveRow[], options: CurvePlotOptions): Uint8Array {
  const width = 900, height = 560;
  const box = { x: 90, y: 60, width: 600, height: 420 };
  const canvas = createCanvas(width, height);
  fillRect(canvas, { x: 0, y: 0, width, height }, [255, 255, 255]);
  fillRect(canvas, box, [248, 248, 248]);
  const scale = options.scale ?? 1;
  const xs = rows.map((r) => Math.log2(Math.max(1, r.cost)));
  const ys = rows.map((r) => r.metrics[options.metric] * scale);
  const xMax = Math.max(1, Math.ceil(Math.max(...xs)));
  const [yMin, yMax] = axisRange(ys);
  const at = (x: number, y: number): [number, number] => [
    Math.round(box.x + (x / xMax) * box.width),
    Math.round(box.y + box.height - ((Math.min(y, yMax) - yMin) / (yMax - yMin)) * box.height),
  ];
  // Axes, ticks at powers of two and at five levels of the metric.
  for (let k = 0; k <= xMax; k++) {
    const [px] = at(k, yMin);
    fillRect(canvas, { x: px, y: box.y, width: 1, height: box.height }, [225, 225, 225]);
    drawText(canvas, String(2 ** k), { x: px - 4, y: box.y + box.height + 8, scale: 1 });
  }
  for (let k = 0; k <= 4; k++) {
    const value = yMin + ((yMax - yMin) * k) / 4;
    const [, py] = at(0, value);
    fillRect(canvas, { x: box.x, y: py, width: box.width, height: 1 }, [225, 225, 225]);
    drawText(canvas, value.toPrecision(4), { x: 8, y: py - 3, scale: 1 });
  }
  drawText(canvas, options.heading, { x: box.x, y: 16, scale: 2 });
  drawText(canvas, options.title, { x: box.x, y: 42, scale: 1 });
  drawText(canvas, "G+D EVALUATIONS PER RETURNED SAMPLE (LOG2)", {
    x: box.x + 150,
    y: box.y + box.height + 26,
    scale: 1,
  });
  // One line per family, points in order of cost.
  const families = [...new Set(rows.map((r) => r.family))];
  families.forEach((family, f) => {
    const color = COLORS[family];
    const points = rows.map((r, i) => ({ r, p: at(xs[i], ys[i]) })).filter((e) =>
      e.r.family === family
    )
      .sort((a, b) => a.r.cost - b.r.cost);
    for (let i = 1; i < points.length; i++) line(canvas, points[i - 1].p, points[i].p, color);
    for (const { r, p } of points) {
      fillRect(canvas, { x: p[0] - 3, y: p[1] - 3, width: 7, height: 7 }, color);
      const value = r.metrics[options.metric] * scale;
      if (value > yMax) {
        // Off the top of the axis: drawn on its edge with its value.
        drawText(canvas, `${value.toPrecision(4)} (OFF SCALE)`, { x: p[0] + 8, y: p[1], scale: 1 });
      }
    }
    const ly = box.y + 10 + f * 18;
    fillRect(canvas, { x: box.x + box.width + 24, y: ly, width: 14, height: 7 }, color);
    drawText(canvas, family, { x: box.x + box.width + 44, y: ly, scale: 1 });
  });
  return encodePng(canvas);
}
