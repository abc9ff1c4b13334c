/**
 * The figure beside an image model: a grid of raw G samples, a grid of DRS samples, and the
 * proposals with the highest and the lowest acceptance probability (like Figure 4 of the DRS
 * paper), with metric captions.
 *
 * @module
 */

import { join } from "node:path";
import type { Backend } from "../backends/mod.ts";
import { scoredProposals } from "../sampling/mod.ts";
import { acceptProbability } from "../shared/drs.ts";
import type { FileEntry } from "../shared/manifest.ts";
import { type Canvas, createCanvas, drawGray, drawText, encodePng } from "../shared/raster.ts";
import { fileEntry } from "./export/mod.ts";

/** Proposals ranked by acceptance probability. */
export interface RankedProposals {
  /** The `count` most likely accepted, best first: `// [count, 784]`. */
  highest: Float32Array;
  /** The `count` least likely accepted, worst first: `// [count, 784]`. */
  lowest: Float32Array;
  /** Acceptance probabilities of the shown images, same order. */
  highestP: number[];
  lowestP: number[];
}

/** Draws `pool` proposals and returns the extremes of their acceptance probability. */
export async function rankProposals(
  backend: Backend,
  model: { latentDim: number; drs: { logM: number; gamma: number; epsilon: number } },
  options: { pool?: number; count?: number; seed?: number } = {},
): Promise<RankedProposals> {
  const pool = options.pool ?? 5000, count = options.count ?? 50, seed = options.seed ?? 777;
  const out = await scoredProposals( // x [pool, 784], logits [pool]
    { backend, latentDim: model.latentDim, sampleShape: [28, 28, 1] },
    { seed, count: pool },
  );
  const { logM, gamma, epsilon } = model.drs;
  const maxLogit = Math.max(logM, ...out.logits.filter(Number.isFinite));
  const p = Array.from(out.logits, (l) => acceptProbability(l, maxLogit, { gamma, epsilon }));
  const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a]);
  const pick = (ids: number[]) => {
    const x = new Float32Array(ids.length * 784);
    ids.forEach((id, k) => x.set(out.x.subarray(id * 784, (id + 1) * 784), k * 784));
    return x;
  };
  const top = order.slice(0, count), bottom = order.slice(-count).reverse();
  return {
    highest: pick(top),
    lowest: pick(bottom),
    highestP: top.map((i) => p[i]),
    lowestP: bottom.map((i) => p[i]),
  };
}

/** Tiles `n` 28 x 28 images (`// [n, 784]` in [-1, 1]) `cols` per row at (x, y). */
export function drawImageGrid(
  canvas: Canvas,
  images: Float32Array,
  at: { x: number; y: number; cols: number; scale: number; gap?: number },
): void {
  const gap = at.gap ?? 2, side = 28 * at.scale + gap, n = images.length / 784;
  for (let k = 0; k < n; k++) {
    drawGray(canvas, images.subarray(k * 784, (k + 1) * 784), {
      x: at.x + (k % at.cols) * side,
      y: at.y + Math.floor(k / at.cols) * side,
      width: 28,
      height: 28,
      scale: at.scale,
    });
  }
}

/** The four panels of the figure. */
export interface ImagePanels {
  raw: Float32Array;
  drs: Float32Array;
  ranked: RankedProposals;
  /** Captions under each panel title: raw, DRS, highest, lowest. */
  captions: [string, string, string, string];
}

/** Renders the figure (2 x 2 panels of 10 x 10 raw/DRS and 10 x 5 ranked images). */
export function renderImageReport(panels: ImagePanels): Uint8Array {
  const scale = 2, cols = 10, side = 28 * scale + 2, pad = 16, header = 40;
  const panelW = cols * side, rowH = [cols * side, (cols / 2) * side];
  const canvas = createCanvas(2 * panelW + 3 * pad, rowH[0] + rowH[1] + 2 * header + 3 * pad);
  const ranked = panels.ranked;
  const sets = [panels.raw, panels.drs, ranked.highest, ranked.lowest];
  const titles = ["RAW G", "DRS", "HIGHEST ACCEPTANCE P", "LOWEST ACCEPTANCE P"];
  sets.forEach((images, k) => {
    const x = pad + (k % 2) * (panelW + pad);
    const row = Math.floor(k / 2);
    const y = pad + row * (rowH[0] + header + pad);
    drawText(canvas, titles[k], { x, y, scale: 2 });
    drawText(canvas, panels.captions[k], { x, y: y + 20, scale: 1 });
    const shown = images.subarray(0, Math.min(images.length, (rowH[row] / side) * cols * 784));
    drawImageGrid(canvas, shown, { x, y: y + header, cols, scale });
  });
  return encodePng(canvas);
}

/** Writes `report.png` into `dir` and returns its manifest file entry. */
export async function writeImageReport(
  dir: string,
  panels: ImagePanels,
): Promise<Record<string, FileEntry>> {
  const bytes = renderImageReport(panels);
  await Deno.writeFile(join(dir, "report.png"), bytes);
  return { "report.png": await fileEntry("report.png", bytes) };
}
