/** The benchmark's markdown table. @module */

import type { LatencyResult } from "./http.ts";
import type { HttpThroughput } from "./http.ts";
import type { ThroughputRow } from "./in_process.ts";

/** What `bench/main.ts` measured. */
export interface BenchReport {
  model: string;
  command: string;
  machine: { cpus: number; deno: string; os: string };
  /** Latents made in a worker, rounds split into chunks of `chunk` proposals. */
  drawWorker: boolean;
  chunk: number;
  results: {
    backend: string;
    throughput: ThroughputRow[];
    latency: LatencyResult;
    http: HttpThroughput;
  }[];
}

const f0 = (v: number) => v.toFixed(0);
const pct = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(1)}%`;

/** Markdown tables of throughput vs floor and HTTP latency. */
export function markdownReport(report: BenchReport): string {
  const lines = [
    `# Sampler benchmark (${report.model})`,
    "",
    `\`${report.command}\` on ${report.machine.cpus} CPUs, Deno ${report.machine.deno}.`,
    "Floor = the same G+D batches run straight on the backend (latents made untimed);",
    "draws = making those batches' latents and uniforms inline (what the draw worker moves off the request thread).",
    report.drawWorker
      ? `Latents made in a worker while G+D runs; rounds split into chunks of ${report.chunk}.`
      : "Latents made inline; one G+D batch per round.",
    "",
    "| backend | n | requests | proposals/request | accepted/s | floor accepted/s | ratio | overhead | ms/request served / floor / draws |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of report.results) {
    for (const t of r.throughput) {
      lines.push(
        `| ${r.backend} | ${t.n} | ${t.requests} | ${f0(t.proposalsPerRequest)} | ${
          f0(t.acceptedPerSecond)
        } | ${f0(t.floorAcceptedPerSecond)} | ${t.ratio.toFixed(3)} | ${pct(t.overheadPercent)} | ${
          t.servedMs.toFixed(3)
        } / ${t.floorMs.toFixed(3)} / ${t.drawsMs.toFixed(3)} |`,
      );
    }
  }
  lines.push(
    "",
    "Over HTTP on loopback (real server, sequential requests, one connection):",
    "",
    "| backend | n=1 p50 ms | n=1 p99 ms | n=1 mean ms | n=256 accepted/s | n=256 ratio to floor | overhead |",
    "|---|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of report.results) {
    lines.push(
      `| ${r.backend} | ${r.latency.p50Ms.toFixed(3)} | ${r.latency.p99Ms.toFixed(3)} | ${
        r.latency.meanMs.toFixed(3)
      } | ${f0(r.http.acceptedPerSecond)} | ${r.http.ratio.toFixed(3)} | ${
        pct(r.http.overheadPercent)
      } |`,
    );
  }
  return lines.join("\n") + "\n";
}
