/**
 * The figure beside a 2D model: real data, raw G samples and DRS samples side by side
 * (like Figure 3 of the DRS paper), with the mixture's modes marked.
 *
 * @module
 */

import { join } from "node:path";
import type { Mixture } from "../data/gaussians.ts";
import { createCanvas, drawText, encodePng, fillRect, plotPoints } from "../../shared/raster.ts";
import { sha256Hex } from "../../shared/hash.ts";
import type { FileEntry } from "../../shared/manifest.ts";

/** The three point sets of the figure, each `// [n, 2]`. */
export interface PointPanels {
  real: Float32Array;
  raw: Float32Array;
  drs: Float32Array;
  mix: Mixture;
  /** Optional captions under the titles, e.g. metrics. */
  captions?: [string, string, string];
}

/** Renders the three panels as a PNG. */
export function renderPointReport(
  panels: PointPanels,
  options: { panel?: number } = {},
): Uint8Array {
  const size = options.panel ?? 360, pad = 12, header = 44;
  const canvas = createCanvas(3 * size + 4 * pad, size + header + pad);
  const sets = [panels.real, panels.raw, panels.drs];
  const titles = ["REAL DATA", "RAW G", "DRS"];
  const extent = [-5, 5] as const;
  sets.forEach((points, k) => {
    const rect = { x: pad + k * (size + pad), y: header, width: size, height: size };
    fillRect(canvas, rect, [246, 246, 246]);
    for (const [mx, my] of panels.mix.means) {
      const cx = rect.x + Math.floor(((mx - extent[0]) / 10) * size);
      const cy = rect.y + size - 1 - Math.floor(((my - extent[0]) / 10) * size);
      fillRect(canvas, { x: cx - 6, y: cy, width: 13, height: 1 }, [225, 120, 120]);
      fillRect(canvas, { x: cx, y: cy - 6, width: 1, height: 13 }, [225, 120, 120]);
    }
    plotPoints(canvas, points, rect, { extent, alpha: 0.25, size: 2 });
    drawText(canvas, titles[k], { x: rect.x, y: 6, scale: 2 });
    if (panels.captions) drawText(canvas, panels.captions[k], { x: rect.x, y: 26, scale: 1 });
  });
  return encodePng(canvas);
}

/** Writes `report.png` into `dir` and returns its manifest file entry. */
export async function writePointReport(
  dir: string,
  panels: PointPanels,
): Promise<Record<string, FileEntry>> {
  const bytes = renderPointReport(panels);
  await Deno.writeFile(join(dir, "report.png"), bytes);
  return {
    "report.png": { path: "report.png", sha256: await sha256Hex(bytes), bytes: bytes.length },
  };
}
