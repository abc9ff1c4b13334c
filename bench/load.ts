/**
 * `deno task bench:load [--models DIR] [--model ID] [--backend onnx|wasm] [--connections 64]
 * [--seconds 30] [--queue-over 16] [--reload-every S] [--reloads 10] [--out bench/results]`:
 * autocannon against the real server (`deno run -A edge/main.ts`) on loopback, a 3:1 mix of
 * JSON (n = 1..16) and PNG (n = 16) requests with fresh seeds, twice: with the server's limit
 * (concurrency + queue) above the connection count, where every answer must be 2xx, and with a
 * queue of `--queue-over`, where the only non-2xx allowed is 503 with `Retry-After`. With
 * `--reload-every S`, a third phase below the limit publishes and loads a new model version
 * every S seconds (`load_reload.ts`): every answer must be 2xx, every retired version must be
 * disposed, and resident memory after the reloads must be within `--max-growth` percent (10) of
 * its baseline. Writes `load.json` and `load.md` (`load_reload.json` and `load_reload.md` with
 * `--reload-every`).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type LoadResult, runLoad } from "../testing/load_gen.ts";
import { loadMarkdown, reloadMarkdown } from "./load_report.ts";
import { type ReloadPhaseResult, runReloadPhase } from "../testing/load_reload.ts";
import { startServer } from "../testing/server_process.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    models: { type: "string", default: "models" },
    model: { type: "string", default: "grid25" },
    backend: { type: "string", default: "onnx" },
    connections: { type: "string", default: "64" },
    seconds: { type: "string", default: "30" },
    concurrency: { type: "string", default: "2" },
    "queue-over": { type: "string", default: "16" },
    designs: { type: "string", default: "ring" },
    "reload-every": { type: "string", default: "0" },
    reloads: { type: "string", default: "10" },
    "max-growth": { type: "string", default: "10" },
    out: { type: "string", default: "bench/results" },
  },
  strict: true,
});
const loadAtStart = Deno.loadavg()[0];
const connections = Number(flags.connections);
const seconds = Number(flags.seconds);

/** Where the server runs G+D: `ring` (the inference thread) or `inline` (the server thread). */
const DESIGNS: Record<string, Record<string, string>> = {
  ring: { DRS_INFERENCE_THREAD: "1" },
  inline: { DRS_INFERENCE_THREAD: "0" },
};
const designs = flags.designs.split(",");
for (const design of designs) {
  if (!(design in DESIGNS)) {
    throw new RangeError(
      `Cannot run the load as '--designs' must list ring and/or inline: current value is '${design}'`,
    );
  }
}

/** One phase: a fresh server with `queue` and G+D where `design` says, then the load. */
async function phase(
  label: string,
  queue: number,
  design = designs[0],
): Promise<LoadResult & { label: string; queue: number; design: string }> {
  const server = await startServer({
    env: {
      DRS_MODELS_DIR: flags.models,
      DRS_BACKEND: flags.backend,
      DRS_CONCURRENCY: flags.concurrency,
      DRS_QUEUE: String(queue),
      ...DESIGNS[design],
    },
  });
  try {
    console.log(
      `${label} (${design}): ${connections} connections for ${seconds} s, server queue ${queue}`,
    );
    const result = await runLoad(server.origin, { model: flags.model, connections, seconds });
    console.log(
      `  ${
        result.requestsPerSecond.toFixed(0)
      } req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms, statuses ${
        JSON.stringify(result.statuses)
      }`,
    );
    return { ...result, label, queue, design };
  } finally {
    await server.stop();
  }
}

// Below the limit once per design, designs alternating over two rounds (the machine drifts).
const belows = [];
for (let round = 0; round < (designs.length > 1 ? 2 : 1); round++) {
  for (const design of designs) {
    belows.push(await phase("below the limit", Math.max(64, connections), design));
  }
}
const above = await phase("above the limit", Number(flags["queue-over"]));
const reloadEvery = Number(flags["reload-every"]);
let reloaded: (ReloadPhaseResult & { label: string; queue: number; design: string }) | undefined;
if (reloadEvery > 0) {
  console.log(
    `below the limit across reloads (${
      designs[0]
    }): ${connections} connections for ${seconds} s, ` +
      `a new version every ${reloadEvery} s`,
  );
  reloaded = {
    ...await runReloadPhase({
      models: flags.models,
      model: flags.model,
      env: {
        DRS_BACKEND: flags.backend,
        DRS_CONCURRENCY: flags.concurrency,
        DRS_QUEUE: String(Math.max(64, connections)),
        ...DESIGNS[designs[0]],
      },
      connections,
      seconds,
      every: reloadEvery,
      reloads: Number(flags.reloads),
    }),
    label: "below the limit across reloads",
    queue: Math.max(64, connections),
    design: designs[0],
  };
  console.log(reloadMarkdown(reloaded));
}
const reloadPass = !reloaded || (reloaded.non2xx === 0 && reloaded.errors === 0 &&
  reloaded.timeouts === 0 && reloaded.reloads.disposed === reloaded.reloads.count - 1 &&
  reloaded.rss.growthPercent <= Number(flags["max-growth"]));
const pass = belows.every((b) => b.non2xx === 0 && b.errors === 0 && b.timeouts === 0) &&
  above.otherErrors === 0 && above.unavailableWithoutRetryAfter === 0 && above.errors === 0 &&
  reloadPass;
const report = {
  command: `deno task bench:load ${Deno.args.join(" ")}`.trim(),
  model: flags.model,
  backend: flags.backend,
  concurrency: Number(flags.concurrency),
  machine: {
    cpus: navigator.hardwareConcurrency,
    deno: Deno.version.deno,
    // The cores are shared: the 1-minute load average before and after says how quiet they were.
    loadAverage: { start: loadAtStart, end: Deno.loadavg()[0] },
  },
  phases: [...belows, above],
  ...(reloaded ? { reloads: reloaded } : {}),
  pass,
};
await Deno.mkdir(flags.out, { recursive: true });
const name = reloaded ? "load_reload" : "load";
await Deno.writeTextFile(`${flags.out}/${name}.json`, JSON.stringify(report, null, 2) + "\n");
const markdown = loadMarkdown(report) + (reloaded ? "\n" + reloadMarkdown(reloaded) : "");
await Deno.writeTextFile(`${flags.out}/${name}.md`, markdown);
console.log(markdown);
if (!pass) {
  console.error(
    "Load targets missed: see the non-2xx counts above" +
      (reloadPass ? "" : ", and the reload phase (non-2xx, disposals, memory growth)"),
  );
  Deno.exit(1);
}
