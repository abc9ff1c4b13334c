/**
 * A terminal progress bar with steps/s and losses (redrawn in place on a TTY, a line every
 * 10% otherwise so CI logs stay short).
 *
 * @module
 */

import type { Progress } from "./gan/keep_training.ts";

const encoder = new TextEncoder();

/** Formats one progress line: `gan  [#####-----]  50% 5000/10000  18.2 steps/s  d=1.2 g=0.7`. */
export function formatProgress(p: Progress, width = 24): string {
  const frac = p.total > 0 ? p.step / p.total : 1;
  const filled = Math.round(frac * width);
  const bar = "#".repeat(filled) + "-".repeat(width - filled);
  const losses = Object.entries(p.losses).map(([k, v]) => `${k}=${v.toFixed(3)}`).join(" ");
  const eta = p.stepsPerSecond > 0 ? (p.total - p.step) / p.stepsPerSecond : 0;
  return `${p.phase.padEnd(6)} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ` +
    `${p.step}/${p.total} ${p.stepsPerSecond.toFixed(1)} steps/s eta ${eta.toFixed(0)}s ${losses}`;
}

/** A progress callback writing to stderr. */
export function progressPrinter(): (p: Progress) => void {
  const tty = Deno.stderr.isTerminal();
  let lastDecile = -1;
  return (p) => {
    const line = formatProgress(p);
    if (tty) {
      Deno.stderr.writeSync(encoder.encode(`\r${line}\x1b[K${p.step === p.total ? "\n" : ""}`));
      return;
    }
    const decile = Math.floor((p.step / p.total) * 10);
    if (decile !== lastDecile || p.step === p.total) {
      lastDecile = decile;
      Deno.stderr.writeSync(encoder.encode(line + "\n"));
    }
  };
}
