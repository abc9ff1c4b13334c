/**
 * `deno task bench:soak [--models DIR] [--model ID] [--backend onnx|wasm] [--seconds 300]
 * [--connections 16] [--every 5] [--warmup 60] [--out bench/results]`: steady autocannon load
 * on the real server while its resident memory (VmRSS) is sampled; fails when memory at the
 * end is more than 10% above its level after warm-up. Writes `soak.csv`, `soak.png`,
 * `soak.json` and `soak.md`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { soakMarkdown } from "./load_report.ts";
import { startServer } from "../testing/server_process.ts";
import { runSoak, writeSoakFiles } from "../testing/soak_run.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    models: { type: "string", default: "models" },
    model: { type: "string", default: "grid25" },
    backend: { type: "string", default: "onnx" },
    seconds: { type: "string", default: "300" },
    connections: { type: "string", default: "16" },
    every: { type: "string", default: "5" },
    warmup: { type: "string", default: "60" },
    "max-growth": { type: "string", default: "10" },
    out: { type: "string", default: "bench/results" },
  },
  strict: true,
});

const server = await startServer({
  env: { DRS_MODELS_DIR: flags.models, DRS_BACKEND: flags.backend },
});
let result;
try {
  console.log(`soak: ${flags.connections} connections for ${flags.seconds} s on ${flags.model}`);
  result = await runSoak(server, {
    model: flags.model,
    seconds: Number(flags.seconds),
    connections: Number(flags.connections),
    every: Number(flags.every),
    warmup: Number(flags.warmup),
  });
} finally {
  await server.stop();
}
const command = `deno task bench:soak ${Deno.args.join(" ")}`.trim();
const paths = await writeSoakFiles(flags.out, result, { command, model: flags.model });
const markdown = soakMarkdown({ command, model: flags.model, ...result });
await Deno.writeTextFile(`${flags.out}/soak.md`, markdown);
console.log(markdown);
console.log(`wrote ${paths.join(", ")}`);
const pass = result.verdict.growthPercent <= Number(flags["max-growth"]) &&
  result.load.non2xx === 0;
if (!pass) {
  console.error(
    `Soak target missed: growth ${
      result.verdict.growthPercent.toFixed(1)
    }%, non-2xx ${result.load.non2xx}`,
  );
  Deno.exit(1);
}
