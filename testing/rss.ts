/**
 * Resident memory of a process over time: sampled from `/proc/<pid>/status` (VmRSS), judged
 * against its level after warm-up, written as CSV and as a small PNG line plot
 * (shared/raster.ts).
 *
 * @module
 */

import {
  createCanvas,
  drawText,
  encodePng,
  fillRect,
  plotPoints,
  type Rgb,
} from "../shared/raster.ts";

/** One sample: seconds since the start, resident MiB, answers so far. */
export interface RssSample {
  seconds: number;
  rssMiB: number;
  answered: number;
}

/** VmRSS of `pid` in MiB (Linux). */
export async function readRssMiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kb) throw new Error(`Cannot read the resident memory of process ${pid}: no VmRSS line`);
  return Number(kb) / 1024;
}

/** Memory growth after warm-up. */
export interface RssVerdict {
  /** Mean RSS over the first `window` seconds after warm-up. */
  baselineMiB: number;
  /** Mean RSS over the last `window` seconds. */
  finalMiB: number;
  maxMiB: number;
  /** (final - baseline) / baseline, in percent. */
  growthPercent: number;
}

function meanOf(samples: RssSample[]): number {
  return samples.reduce((s, x) => s + x.rssMiB, 0) / samples.length;
}

/** Compares the last `window` seconds with the `window` seconds after `warmup`. */
export function rssVerdict(
  samples: readonly RssSample[],
  options: { warmup: number; window: number },
): RssVerdict {
  const { warmup, window } = options;
  const end = samples[samples.length - 1]?.seconds ?? 0;
  const base = samples.filter((s) => s.seconds >= warmup && s.seconds < warmup + window);
  const last = samples.filter((s) => s.seconds > end - window);
  if (base.length === 0 || last.length === 0) {
    throw new RangeError(
      `Cannot judge memory as no samples fall after the ${warmup} s warm-up (run ended at ${end} s)`,
    );
  }
  const baselineMiB = meanOf(base), finalMiB = meanOf(last);
  return {
    baselineMiB,
    finalMiB,
    maxMiB: Math.max(...samples.map((s) => s.rssMiB)),
    growthPercent: ((finalMiB - baselineMiB) / baselineMiB) * 100,
  };
}

/** The samples as CSV with a header row. */
export function rssCsv(samples: readonly RssSample[]): string {
  const rows = samples.map((s) => `${s.seconds.toFixed(1)},${s.rssMiB.toFixed(2)},${s.answered}`);
  return ["seconds,rss_mib,answered", ...rows].join("\n") + "\n";
}

/** A 480x260 PNG: RSS (MiB) against time, with the warm-up end marked and a caption. */
export function rssPng(
  samples: readonly RssSample[],
  options: { warmup: number; title: string },
): Uint8Array {
  const canvas = createCanvas(480, 260);
  const plot = { x: 50, y: 30, width: 410, height: 190 };
  const axis: Rgb = [120, 120, 120];
  fillRect(canvas, { x: plot.x - 1, y: plot.y, width: 1, height: plot.height }, axis);
  fillRect(canvas, { x: plot.x, y: plot.y + plot.height, width: plot.width, height: 1 }, axis);
  const tMax = Math.max(1, samples[samples.length - 1]?.seconds ?? 1);
  const values = samples.map((s) => s.rssMiB);
  const hi = Math.ceil(Math.max(...values, 1) * 1.1);
  // Map (t, rss) into the [-5, 5] extent plotPoints expects; the y axis starts at 0 MiB.
  const toX = (t: number) => (t / tMax) * 10 - 5, toY = (v: number) => (v / hi) * 10 - 5;
  const points: number[] = [];
  for (let i = 0; i < samples.length; i++) {
    points.push(toX(samples[i].seconds), toY(samples[i].rssMiB));
    const next = samples[i + 1];
    if (!next) continue;
    for (let k = 1; k < 12; k++) { // a line between samples
      const f = k / 12;
      const t = samples[i].seconds + (next.seconds - samples[i].seconds) * f;
      points.push(toX(t), toY(samples[i].rssMiB + (next.rssMiB - samples[i].rssMiB) * f));
    }
  }
  plotPoints(canvas, points, plot, { alpha: 1, size: 2, color: [31, 78, 160] });
  const wx = plot.x + Math.round((options.warmup / tMax) * plot.width);
  fillRect(canvas, { x: wx, y: plot.y, width: 1, height: plot.height }, [200, 80, 60]);
  drawText(canvas, options.title, { x: 8, y: 8, scale: 2 });
  drawText(canvas, `${hi} MIB`, { x: 4, y: plot.y, scale: 1 });
  drawText(canvas, "0", { x: 40, y: plot.y + plot.height - 6, scale: 1 });
  drawText(canvas, `${Math.round(tMax)} S`, { x: plot.x + plot.width - 30, y: 232, scale: 1 });
  drawText(canvas, "WARM-UP", { x: wx + 3, y: plot.y + 4, scale: 1, color: [200, 80, 60] });
  return encodePng(canvas);
}
