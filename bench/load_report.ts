/** Markdown tables of the load and soak benchmarks (for BENCHMARKS.md). @module */

import type { LoadResult } from "../testing/load_gen.ts";
import type { ReloadPhaseResult } from "../testing/load_reload.ts";
import type { RssVerdict } from "../testing/rss.ts";

/** A load phase as reported. */
export type LoadPhase = LoadResult & { label: string; queue: number; design?: string };

/** The load table: one row per phase. */
export function loadMarkdown(
  report: {
    command: string;
    model: string;
    backend: string;
    concurrency: number;
    phases: LoadPhase[];
  },
): string {
  const rows = report.phases.map((p) => {
    const other = Object.entries(p.statuses).filter(([s]) => s !== "200").map(([s, c]) =>
      `${s}: ${c}`
    );
    const where = p.design ? `, ${p.design}` : "";
    return `| ${p.label} (queue ${p.queue}${where}) | ${p.connections} | ${p.seconds} | ${p.requests} | ${
      p.requestsPerSecond.toFixed(0)
    } | ${p.latencyMs.p50} | ${p.latencyMs.p99} | ${p.latencyMs.max} | ${p.non2xx}${
      other.length ? ` (${other.join(", ")})` : ""
    } | ${p.unavailableWithoutRetryAfter} | ${p.mix.json} / ${p.mix.png} |`;
  });
  return [
    `Model \`${report.model}\`, backend ${report.backend}, server concurrency ${report.concurrency}; \`${report.command}\``,
    "",
    "| phase | connections | s | requests | req/s | p50 ms | p99 ms | max ms | non-2xx | 503 w/o Retry-After | 200 JSON / PNG |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

/** The soak line: memory after warm-up and at the end. */
export function soakMarkdown(
  report: { command: string; model: string; verdict: RssVerdict; load: LoadResult; warmup: number },
): string {
  const { verdict: v, load } = report;
  return [
    `Model \`${report.model}\`; \`${report.command}\``,
    "",
    "| s | connections | requests | req/s | p99 ms | non-2xx | RSS after warm-up (MiB) | RSS at end (MiB) | max (MiB) | growth |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    `| ${load.seconds} | ${load.connections} | ${load.requests} | ${
      load.requestsPerSecond.toFixed(0)
    } | ${load.latencyMs.p99} | ${load.non2xx} | ${v.baselineMiB.toFixed(1)} | ${
      v.finalMiB.toFixed(1)
    } | ${v.maxMiB.toFixed(1)} | ${v.growthPercent >= 0 ? "+" : ""}${
      v.growthPercent.toFixed(1)
    }% |`,
    "",
  ].join("\n");
}

/** The load-across-reloads table: traffic with and without reloads, reloads, resident memory. */
export function reloadMarkdown(phase: ReloadPhaseResult & { design?: string }): string {
  const { reloads: r, rss } = phase;
  const mib = (v: number) => v.toFixed(1);
  const row = (label: string, p: LoadResult, reloads: string) => {
    const other = Object.entries(p.statuses).filter(([s]) => s !== "200").map(([s, c]) =>
      `${s}: ${c}`
    );
    return `| ${label} | ${p.connections} | ${p.seconds} | ${p.requests} | ${
      p.requestsPerSecond.toFixed(0)
    } | ${p.latencyMs.p50} | ${p.latencyMs.p99} | ${p.non2xx}${
      other.length ? ` (${other.join(", ")})` : ""
    } | ${reloads} |`;
  };
  return [
    `Load across reloads${phase.design ? ` (${phase.design})` : ""}, one server: the same load ` +
    "without reloads, then with a new version every few seconds (alternately SIGHUP and " +
    "POST /v1/admin/reload, DRS_KEEP_VERSIONS=2, so each reload also retires a version in use)",
    "",
    "| run | connections | s | requests | req/s | p50 ms | p99 ms | non-2xx | reloads |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    row("without reloads", phase.steady, "0"),
    row("with reloads", phase, `${r.count - 1} (${r.underLoad} under load)`),
    "",
    `New version served ${r.readyMs.p50} ms (p50) / ${r.readyMs.max} ms (max) after the ` +
    `trigger; ${r.disposed} of ${r.count - 1} retired versions disposed.`,
    "",
    "| RSS at rest: start (MiB) | after the load without reloads: baseline | after the reloads | max under load | growth over baseline |",
    "| --- | --- | --- | --- | --- |",
    `| ${mib(rss.initialMiB)} | ${mib(rss.baselineMiB)} | ${mib(rss.endMiB)} | ${
      mib(rss.maxMiB)
    } | ${rss.growthPercent >= 0 ? "+" : ""}${rss.growthPercent.toFixed(1)}% |`,
    "",
  ].join("\n");
}
