/**
 * A tiny RGBA raster for figures: point scatters, image tiles and 5x7 bitmap text, encoded
 * as PNG with fast-png (pure JS, so it runs on every edge runtime).
 *
 * @module
 */

import { encode } from "fast-png";

/** An RGBA image, row-major: `// [height, width, 4]`. */
export interface Canvas {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An RGB colour. */
export type Rgb = readonly [number, number, number];

/** A canvas filled with `background`. */
export function createCanvas(
  width: number,
  height: number,
  background: Rgb = [255, 255, 255],
): Canvas {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data.set(background, i * 4);
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** Blends `color` into pixel (x, y) with opacity `alpha`; ignores pixels outside. */
export function blendPixel(canvas: Canvas, x: number, y: number, color: Rgb, alpha = 1): void {
  if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) return;
  const o = (y * canvas.width + x) * 4;
  for (let c = 0; c < 3; c++) {
    canvas.data[o + c] = Math.round(canvas.data[o + c] * (1 - alpha) + color[c] * alpha);
  }
}

/** Fills a rectangle. */
export function fillRect(
  canvas: Canvas,
  rect: { x: number; y: number; width: number; height: number },
  color: Rgb,
): void {
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) blendPixel(canvas, x, y, color);
  }
}

/** Options for {@linkcode plotPoints}. */
export interface ScatterOptions {
  /** Data range shown on both axes. @default {[-5, 5]} */
  extent?: readonly [number, number];
  /** @default {[31, 119, 180]} */
  color?: Rgb;
  /** Opacity per point. @default {0.35} */
  alpha?: number;
  /** Square point size in pixels. @default {2} */
  size?: number;
}

/** Scatters 2D points (`// [n, 2]`) into `rect` of the canvas (y up). */
export function plotPoints(
  canvas: Canvas,
  points: ArrayLike<number>,
  rect: { x: number; y: number; width: number; height: number },
  options: ScatterOptions = {},
): void {
  const [lo, hi] = options.extent ?? [-5, 5];
  const color = options.color ?? [31, 119, 180];
  const alpha = options.alpha ?? 0.35;
  const size = options.size ?? 2;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const px = rect.x + Math.floor(((points[i] - lo) / (hi - lo)) * rect.width);
    const py = rect.y + rect.height - 1 -
      Math.floor(((points[i + 1] - lo) / (hi - lo)) * rect.height);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    for (let dy = 0; dy < size; dy++) {
      for (let dx = 0; dx < size; dx++) {
        const x = px + dx, y = py + dy;
        if (x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height) {
          blendPixel(canvas, x, y, color, alpha);
        }
      }
    }
  }
}

/** Draws a grayscale image (`// [h, w]`, values in `range`) at (x, y), scaled by `scale`. */
export function drawGray(
  canvas: Canvas,
  pixels: ArrayLike<number>,
  at: { x: number; y: number; width: number; height: number; scale?: number },
  range: readonly [number, number] = [-1, 1],
): void {
  const scale = at.scale ?? 1;
  for (let r = 0; r < at.height; r++) {
    for (let c = 0; c < at.width; c++) {
      const t = (pixels[r * at.width + c] - range[0]) / (range[1] - range[0]);
      const v = Math.round(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 255);
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          blendPixel(canvas, at.x + c * scale + dx, at.y + r * scale + dy, [v, v, v]);
        }
      }
    }
  }
}

// 5x7 glyphs, one string of 7 rows of 5 bits (as 0/1 characters) per character.
const GLYPHS: Record<string, string> = {
  A: "01110100011000111111100011000110001",
  B: "11110100011000111110100011000111110",
  C: "01110100011000010000100001000101110",
  D: "11110100011000110001100011000111110",
  E: "11111100001000011110100001000011111",
  F: "11111100001000011110100001000010000",
  G: "01110100011000010111100011000101111",
  H: "10001100011000111111100011000110001",
  I: "01110001000010000100001000010001110",
  K: "10001100101010011000101001001010001",
  L: "10000100001000010000100001000011111",
  M: "10001110111010110101100011000110001",
  N: "10001110011010110011100011000110001",
  O: "01110100011000110001100011000101110",
  P: "11110100011000111110100001000010000",
  Q: "01110100011000110001101011001001101",
  R: "11110100011000111110101001001010001",
  S: "01111100001000001110000010000111110",
  T: "11111001000010000100001000010000100",
  U: "10001100011000110001100011000101110",
  V: "10001100011000110001100010101000100",
  W: "10001100011000110101101011010101010",
  X: "10001100010101000100010101000110001",
  Y: "10001100010101000100001000010000100",
  Z: "11111000010001000100010001000011111",
  "0": "01110100011001110101110011000101110",
  "1": "00100011000010000100001000010001110",
  "2": "01110100010000100010001000100011111",
  "3": "11111000100010000010000011000101110",
  "4": "00010001100101010010111110001000010",
  "5": "11111100001111000001000011000101110",
  "6": "00110010001000011110100011000101110",
  "7": "11111000010001000100010000100001000",
  "8": "01110100011000101110100011000101110",
  "9": "01110100011000101111000010001001100",
  ".": "00000000000000000000000000110001100",
  "%": "11000110010001000100010000100110011",
  "=": "00000000001111100000111110000000000",
  ":": "00000011000110000000011000110000000",
  "-": "00000000000000011111000000000000000",
  " ": "00000000000000000000000000000000000",
  "(": "00010001000100001000010000010000010",
  ")": "01000001000001000010000100010001000",
  "/": "00001000010001000100010001000010000",
  "+": "00000001000010011111001000010000000",
};

/** Draws upper-case text with the built-in 5x7 font; unknown characters draw as blanks. */
export function drawText(
  canvas: Canvas,
  text: string,
  at: { x: number; y: number; scale?: number; color?: Rgb },
): void {
  const scale = at.scale ?? 2;
  const color = at.color ?? [0, 0, 0];
  [...text.toUpperCase()].forEach((ch, k) => {
    const glyph = GLYPHS[ch] ?? GLYPHS[" "];
    for (let i = 0; i < 35; i++) {
      if (glyph[i] !== "1") continue;
      const gx = at.x + (k * 6 + (i % 5)) * scale, gy = at.y + Math.floor(i / 5) * scale;
      fillRect(canvas, { x: gx, y: gy, width: scale, height: scale }, color);
    }
  });
}

/** Encodes the canvas as an RGBA PNG. */
export function encodePng(canvas: Canvas): Uint8Array {
  return encode({
    width: canvas.width,
    height: canvas.height,
    data: canvas.data,
    channels: 4,
    depth: 8,
  });
}
