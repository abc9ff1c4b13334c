/**
 * `deno run -A bench/http_ab.ts --base DIR [--models DIR] [--model ID] [--backend onnx|wasm]
 * [--inference-thread 1|0] [--rounds 20] [--block 150]`: single-sample HTTP latency of the real
 * server of this checkout against the one of another checkout (DIR: e.g. `git worktree add DIR
 * <commit>`, with a `node_modules`), both running at once on loopback and measured in
 * alternating blocks of sequential requests, so the machine's load falls on both alike. Prints
 * p50, p90 and p99 of each side.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { quantile } from "./floor.ts";
import { startServer } from "../testing/server_process.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string" },
    models: { type: "string", default: "models" },
    model: { type: "string", default: "grid25" },
    backend: { type: "string", default: "onnx" },
    "inference-thread": { type: "string", default: "1" },
    rounds: { type: "string", default: "20" },
    block: { type: "string", default: "150" },
  },
  strict: true,
});
if (!flags.base) throw new RangeError("Cannot compare as '--base' is missing: give a checkout");
const env = {
  DRS_BACKEND: flags.backend,
  DRS_MODELS_DIR: Deno.realPathSync(flags.models),
  DRS_INFERENCE_THREAD: flags["inference-thread"],
};
const servers = {
  base: await startServer({ env, root: new URL(`file://${Deno.realPathSync(flags.base)}/`) }),
  this: await startServer({ env }),
};
type Side = keyof typeof servers;
const times: Record<Side, number[]> = { base: [], this: [] };
let seed = 1;
async function get(side: Side): Promise<number> {
  const t0 = performance.now();
  const url = `${servers[side].origin}/v1/models/${flags.model}/samples?n=1&seed=${seed++}`;
  const res = await fetch(url);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`Cannot compare as ${side} answered ${res.status}`);
  return performance.now() - t0;
}
try {
  for (const side of ["base", "this"] as const) for (let i = 0; i < 300; i++) await get(side);
  for (let round = 0; round < Number(flags.rounds); round++) {
    for (const side of round % 2 ? ["base", "this"] as const : ["this", "base"] as const) {
      for (let i = 0; i < Number(flags.block); i++) times[side].push(await get(side));
    }
  }
  for (const side of ["base", "this"] as const) {
    const q = (p: number) => quantile(times[side], p).toFixed(3);
    console.log(
      `${side.padEnd(4)} HTTP n=1 (${times[side].length} requests): p50 ${q(0.5)} ms, ` +
        `p90 ${q(0.9)} ms, p99 ${q(0.99)} ms`,
    );
  }
} finally {
  await servers.base.stop();
  await servers.this.stop();
}
