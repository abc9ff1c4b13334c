/**
 * Samples as PNG (fast-png, pure TS): a scatter plot for `points2d`, a tiled grid for images.
 * Deterministic: the same samples give the same bytes.
 *
 * @module
 */

import { encode } from "fast-png";

/** Options for {@linkcode scatterPng}. */
export interface ScatterOptions {
  /** Axis extent `[min, max]`, used for x and y. @default {[-5, 5]} */
  extent?: readonly [number, number];
  /** Pixel multiplier of the 256 x 256 base image, 1..8. @default {1} */
  scale?: number;
}

const BACKGROUND = 255;
const GRID = 225;
const POINT = [31, 78, 160];

function fill(
  rgb: Uint8Array,
  width: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
  c: number[],
) {
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const i = (y * width + x) * 3;
      rgb[i] = c[0];
      rgb[i + 1] = c[1];
      rgb[i + 2] = c[2];
    }
  }
}

/** 2D points `// [n, 2]` drawn as dots on a light grid (one line per unit of the extent). */
export function scatterPng(
  points: Float32Array,
  n: number,
  options: ScatterOptions = {},
): Uint8Array {
  const [lo, hi] = options.extent ?? [-5, 5];
  const scale = options.scale ?? 1;
  const side = 256 * scale;
  const rgb = new Uint8Array(side * side * 3).fill(BACKGROUND);
  const toPixel = (v: number) => Math.floor(((v - lo) / (hi - lo)) * side);
  const step = hi - lo <= 40 ? 1 : 10 ** Math.floor(Math.log10((hi - lo) / 4));
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) {
    const p = Math.min(side - 1, toPixel(t));
    fill(rgb, side, p, 0, 1, side, [GRID, GRID, GRID]);
    fill(rgb, side, 0, side - 1 - p, side, 1, [GRID, GRID, GRID]);
  }
  const dot = 3 * scale;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i], y = points[2 * i + 1];
    if (!(x >= lo && x <= hi && y >= lo && y <= hi)) continue;
    const px = Math.min(side - dot, Math.max(0, toPixel(x) - Math.floor(dot / 2)));
    const py = Math.min(side - dot, Math.max(0, side - 1 - toPixel(y) - Math.floor(dot / 2)));
    fill(rgb, side, px, py, dot, dot, POINT);
  }
  return encode({ width: side, height: side, data: rgb, channels: 3, depth: 8 });
}

/** Height, width and channels of an image sample shape, and whether channels come first. */
export function imageLayout(
  shape: readonly number[],
): { h: number; w: number; c: number; chw: boolean } {
  if (shape.length === 2) return { h: shape[0], w: shape[1], c: 1, chw: false };
  if (shape.length === 3 && (shape[2] === 1 || shape[2] === 3)) {
    return { h: shape[0], w: shape[1], c: shape[2], chw: false };
  }
  if (shape.length === 3 && (shape[0] === 1 || shape[0] === 3)) {
    return { h: shape[1], w: shape[2], c: shape[0], chw: true };
  }
  if (shape.length === 1) {
    const side = Math.round(Math.sqrt(shape[0]));
    if (side * side === shape[0]) return { h: side, w: side, c: 1, chw: false };
  }
  throw new RangeError(
    `Cannot render as 'sampleShape' must be [h, w], [h, w, 1|3], [1|3, h, w] or [h*h]: current value is [${shape}]`,
  );
}

/** Options for {@linkcode gridPng}. */
export interface GridOptions {
  /** Value range mapped to 0..255. @default {[-1, 1]} */
  range?: readonly [number, number];
  /** Nearest-neighbour upscale of each pixel, 1..8. @default {1} */
  scale?: number;
  /** Images per row. @default {ceil(sqrt(n)): a near-square grid} */
  columns?: number;
}

/**
 * Image samples `// [n, ...shape]` tiled in a near-square grid with `scale`-pixel gutters; a
 * single sample is rendered alone at exactly `h * scale` x `w * scale`.
 */
export function gridPng(
  x: Float32Array,
  n: number,
  shape: readonly number[],
  options: GridOptions = {},
): Uint8Array {
  const { h, w, c, chw } = imageLayout(shape);
  const [lo, hi] = options.range ?? [-1, 1];
  const s = options.scale ?? 1;
  const cols = Math.min(n, options.columns ?? Math.ceil(Math.sqrt(n)));
  const rows = Math.ceil(n / cols);
  // One sample is exactly h x w pixels (times the scale); a grid has gutters.
  const gap = n === 1 ? 0 : s;
  const width = cols * w * s + (cols + 1) * gap, height = rows * h * s + (rows + 1) * gap;
  const rgb = new Uint8Array(width * height * 3).fill(64);
  const size = h * w * c;
  for (let k = 0; k < n; k++) {
    const ox = gap + (k % cols) * (w * s + gap), oy = gap + Math.floor(k / cols) * (h * s + gap);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        const color = [0, 0, 0];
        for (let ch = 0; ch < 3; ch++) {
          const src = Math.min(ch, c - 1);
          const v = x[k * size + (chw ? src * h * w + y * w + xx : (y * w + xx) * c + src)];
          const t = Number.isFinite(v) ? (v - lo) / (hi - lo) : 0;
          color[ch] = Math.round(Math.min(1, Math.max(0, t)) * 255);
        }
        fill(rgb, width, ox + xx * s, oy + y * s, s, s, color);
      }
    }
  }
  return encode({ width, height, data: rgb, channels: 3, depth: 8 });
}
