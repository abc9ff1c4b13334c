/**
 * `deno task bench:train [--steps N] [--image-steps N] [--backends wasm,cpu]
 * [--presets grid25,mnist]`: GAN steps per second of each preset's model on each tfjs backend,
 * through the one training core (`train/gan/`), each in a fresh process so backends do not
 * share state. The cpu backend is very slow on convs (about 90 s a step here): image presets
 * run there only when `--backends` names it and `--image-cpu-steps` allows.
 *
 * Writes `bench/results/train_speed.json` and prints a markdown table.
 *
 * @module
 */

import { parseArgs } from "node:util";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    steps: { type: "string", default: "200" },
    "image-steps": { type: "string", default: "40" },
    "image-cpu-steps": { type: "string", default: "2" },
    backends: { type: "string", default: "wasm,cpu" },
    presets: { type: "string", default: "grid25,mnist" },
    out: { type: "string", default: "bench/results" },
    child: { type: "string" },
    preset: { type: "string" },
  },
  strict: true,
});

/** Steps of a preset on a backend. */
function stepsOf(preset: string, backend: string): number {
  if (preset === "grid25" || preset === "ring8") return Number(flags.steps);
  return Number(backend === "wasm" ? flags["image-steps"] : flags["image-cpu-steps"]);
}

/** The child: `steps` GAN steps of one preset on one backend after a warm-up; prints one JSON line. */
async function child(backend: "wasm" | "cpu", preset: string): Promise<void> {
  const { setupTf } = await import("../train/tf_setup.ts");
  const tfBackend = await setupTf(backend);
  if (tfBackend !== backend) throw new Error(`Cannot benchmark '${backend}' as it did not load`);
  const { resolveConfig } = await import("../train/config.ts");
  const { familyOf } = await import("../train/families/mod.ts");
  const { createGan } = await import("../train/gan/step.ts");
  const { trainGan } = await import("../train/gan/loop.ts");
  const config = resolveConfig({}, { preset });
  const family = await familyOf(config);
  family.setup?.(tfBackend);
  const classifier = new URL(`../models/${config.dataset}/classifier`, import.meta.url).pathname;
  const run = await family.prepare(config, { classifier });
  const gan = createGan(run.build(), config);
  const dims = { batch: config.batch, seed: config.seed, latentDim: config.latentDim };
  const warmup = backend === "wasm" ? 4 : 1; // kernels, allocations, one lazy-R1 step
  await trainGan(gan, run.source, { ...dims, steps: warmup });
  const t0 = performance.now();
  await trainGan(gan, run.source, { ...dims, steps: warmup + stepsOf(preset, backend) });
  const seconds = (performance.now() - t0) / 1000;
  run.dispose();
  console.log(JSON.stringify({ stepsPerSecond: stepsOf(preset, backend) / seconds }));
}

/** Runs the child for (backend, preset) and returns its JSON line. */
async function runChild(backend: string, preset: string): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, ...Deno.args, "--child", backend]
      .concat(["--preset", preset]),
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) {
    throw new Error(`Cannot benchmark '${preset}' on '${backend}': the child process failed`);
  }
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

if (flags.child) {
  await child(flags.child as "wasm" | "cpu", flags.preset ?? "grid25");
} else {
  const rows: { preset: string; backend: string; steps: number; stepsPerSecond: number }[] = [];
  for (const preset of flags.presets.split(",")) {
    for (const backend of flags.backends.split(",")) {
      if (stepsOf(preset, backend) < 1) continue;
      const r = await runChild(backend, preset);
      rows.push({
        preset,
        backend,
        steps: stepsOf(preset, backend),
        stepsPerSecond: r.stepsPerSecond as number,
      });
    }
  }
  const gan = rows.map((r) => ({ ...r, msPerStep: 1000 / r.stepsPerSecond }));
  await Deno.mkdir(flags.out, { recursive: true });
  await Deno.writeTextFile(
    `${flags.out}/train_speed.json`,
    JSON.stringify({ gan }, null, 2) + "\n",
  );
  console.log("| preset | tfjs backend | steps | steps/s | ms/step |\n|---|---|--:|--:|--:|");
  for (const r of gan) {
    console.log(
      `| ${r.preset} | ${r.backend} | ${r.steps} | ${r.stepsPerSecond.toFixed(2)} | ` +
        `${r.msPerStep.toFixed(0)} |`,
    );
  }
}
