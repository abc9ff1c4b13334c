/**
 * `deno task bench:train [--steps N] [--backends wasm,cpu]`: GAN steps per second of the grid25
 * configuration (batch 256, width 128, lazy R1) on each tfjs backend, each in a fresh process so
 * backends do not share state. Writes `bench/results/train_speed.json` and prints a table.
 *
 * @module
 */

import { parseArgs } from "node:util";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    steps: { type: "string", default: "200" },
    backends: { type: "string", default: "wasm,cpu" },
    out: { type: "string", default: "bench/results" },
    child: { type: "string" },
  },
  strict: true,
});

/** Runs `steps` grid25 GAN steps on one backend in this process; returns steps/s. */
async function measure(backend: "wasm" | "cpu", steps: number): Promise<number> {
  const { setupTf } = await import("../train/tf_setup.ts");
  const { resolveConfig } = await import("../train/config.ts");
  const { mixture } = await import("../train/data/gaussians.ts");
  const { pointSource } = await import("../train/data/points.ts");
  const { buildPointDiscriminator, buildPointGenerator } = await import("../train/models.ts");
  const { createGan } = await import("../train/gan.ts");
  const { trainGan } = await import("../train/loop.ts");
  const used = await setupTf(backend);
  if (used !== backend) throw new Error(`Cannot benchmark '${backend}' as it did not load`);
  const config = resolveConfig({ dataset: "grid25" });
  const data = pointSource(mixture("grid25"), config.seed);
  const gan = createGan({
    generator: buildPointGenerator(config.latentDim, { hidden: config.hidden }),
    discriminator: buildPointDiscriminator({ hidden: config.hidden }),
  }, config);
  const run = { batch: config.batch, seed: config.seed, latentDim: config.latentDim };
  await trainGan(gan, data, { ...run, steps: 20 }); // warm-up: kernels, allocations
  const t0 = performance.now();
  await trainGan(gan, data, { ...run, steps });
  return steps / ((performance.now() - t0) / 1000);
}

if (flags.child) {
  console.log(
    JSON.stringify({ stepsPerSecond: await measure(flags.child as "wasm", Number(flags.steps)) }),
  );
} else {
  const steps = Number(flags.steps);
  const rows: { backend: string; steps: number; stepsPerSecond: number; msPerStep: number }[] = [];
  for (const backend of flags.backends.split(",")) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL(import.meta.url).pathname,
        "--child",
        backend,
        "--steps",
        String(steps),
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`Cannot benchmark '${backend}': the child process failed`);
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    const { stepsPerSecond } = JSON.parse(lines[lines.length - 1]);
    rows.push({ backend, steps, stepsPerSecond, msPerStep: 1000 / stepsPerSecond });
  }
  await Deno.mkdir(flags.out, { recursive: true });
  await Deno.writeTextFile(`${flags.out}/train_speed.json`, JSON.stringify(rows, null, 2) + "\n");
  console.log("| tfjs backend | steps/s | ms/step |\n|---|---|---|");
  for (const r of rows) {
    console.log(`| ${r.backend} | ${r.stepsPerSecond.toFixed(2)} | ${r.msPerStep.toFixed(0)} |`);
  }
}
