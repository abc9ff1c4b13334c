/** The benchmark's markdown table. @module */

import type { LatencyResult } from "./http.ts";
import type { HttpThroughput } from "./http.ts";
import type { ThroughputRow } from "./in_process.ts";

/** What `bench/main.ts` measured. */
export interface BenchReport {
  model: string;
  command: string;
  machine: { cpus: number; deno: string; os: string };
  /** Proposals per G+D call on the inference thread. */
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
    "Floor = the same G+D batches run straight on an in-process backend (latents made untimed),",
    "measured in alternating blocks of 100 requests: the requests back to back, then their floor.",
    "draws = making those batches' latents and uniforms on one thread (for scale).",
    `Inference thread: G+D on a Worker fed through shared memory (the server's default), rounds in chunks of ${report.chunk},`,
    "the next chunk queued while one is decided. Server thread: G+D in-process, one batch per round (Deno Deploy, Workers).",
    "",
    "| backend | G+D on | n | requests | proposals/request | accepted/s | floor accepted/s | ratio | overhead | ms/request served / floor / draws |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of report.results) {
    for (const t of r.throughput) {
      lines.push(
        `| ${r.backend} | ${t.mode} | ${t.n} | ${t.requests} | ${f0(t.proposalsPerRequest)} | ${
          f0(t.acceptedPerSecond)
        } | ${f0(t.floorAcceptedPerSecond)} | ${t.ratio.toFixed(3)} | ${pct(t.overheadPercent)} | ${
          t.servedMs.toFixed(3)
        } / ${t.floorMs.toFixed(3)} / ${t.drawsMs.toFixed(3)} |`,
      );
    }
  }
  lines.push(
    "",
    "Over HTTP on loopback (the real server as `deno task start` runs it, sequential requests, one connection):",
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
