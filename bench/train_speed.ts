/**
 * `deno task bench:train [--steps N] [--conv-steps N] [--conv-cpu-steps N] [--backends wasm,cpu]
 * [--models grid25,conv]`: GAN steps per second on each tfjs backend, each in a fresh process so
 * backends do not share state:
 *
 * - `grid25`: the grid25 configuration (batch 256, width 128 MLPs, lazy R1);
 * - `conv`: a small DCGAN on 28x28 MNIST at batch 64 (bench/train_conv.ts), where a wasm step's
 *   time goes by kernel, and forward / input-gradient / filter-gradient times of its conv layers
 *   (on wasm against tfjs-wasm's built-in input gradient). The cpu backend is very slow on
 *   convs (about 90 s a step here), so it runs `--conv-cpu-steps` steps and one rep per op.
 *
 * Writes `bench/results/train_speed.json` and prints markdown tables.
 *
 * @module
 */

import { parseArgs } from "node:util";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    steps: { type: "string", default: "200" },
    "conv-steps": { type: "string", default: "100" },
    "conv-cpu-steps": { type: "string", default: "4" },
    backends: { type: "string", default: "wasm,cpu" },
    models: { type: "string", default: "grid25,conv" },
    out: { type: "string", default: "bench/results" },
    child: { type: "string" },
    model: { type: "string" },
  },
  strict: true,
});

/** Runs `steps` grid25 GAN steps on one backend in this process; returns steps/s. */
async function measureGrid25(steps: number): Promise<number> {
  const { resolveConfig } = await import("../train/config.ts");
  const { mixture } = await import("../train/data/gaussians.ts");
  const { pointSource } = await import("../train/data/points.ts");
  const { buildPointDiscriminator, buildPointGenerator } = await import("../train/models.ts");
  const { createGan } = await import("../train/gan.ts");
  const { trainGan } = await import("../train/loop.ts");
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

/** The child: one model on one backend; prints one JSON line. */
async function child(backend: "wasm" | "cpu", model: string): Promise<void> {
  const { setupTf } = await import("../train/tf_setup.ts");
  if (await setupTf(backend) !== backend) {
    throw new Error(`Cannot benchmark '${backend}' as it did not load`);
  }
  if (model === "grid25") {
    console.log(JSON.stringify({ stepsPerSecond: await measureGrid25(Number(flags.steps)) }));
    return;
  }
  const { convOpTimes, measureConvGan } = await import("./train_conv.ts");
  const wasm = backend === "wasm";
  const speed = await measureConvGan(
    Number(wasm ? flags["conv-steps"] : flags["conv-cpu-steps"]),
    // cpu: no warm-up (a step takes minutes), so its 4 steps hold one R1 step as wasm's do.
    { warmup: wasm ? 8 : 0, profileSteps: wasm ? 8 : 0 },
  );
  console.log(JSON.stringify({ ...speed, ops: convOpTimes(wasm ? 9 : 1) }));
}

/** Runs the child for (backend, model) and returns its JSON line. */
async function runChild(backend: string, model: string): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, ...Deno.args, "--child", backend]
      .concat(["--model", model]),
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) {
    throw new Error(`Cannot benchmark '${model}' on '${backend}': the child process failed`);
  }
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

const ms = (v: number | undefined) => v === undefined ? "-" : v.toFixed(1);

if (flags.child) {
  await child(flags.child as "wasm" | "cpu", flags.model ?? "grid25");
} else {
  const rows: { model: string; backend: string; steps: number; stepsPerSecond: number }[] = [];
  const ops: Record<string, number | string | undefined>[] = [];
  const byKernel: Record<string, Record<string, number>> = {};
  for (const model of flags.models.split(",")) {
    for (const backend of flags.backends.split(",")) {
      const r = await runChild(backend, model);
      const steps = model === "grid25"
        ? Number(flags.steps)
        : Number(backend === "wasm" ? flags["conv-steps"] : flags["conv-cpu-steps"]);
      rows.push({ model, backend, steps, stepsPerSecond: r.stepsPerSecond as number });
      if (r.ops) ops.push(...(r.ops as typeof ops));
      if (r.kernelMsPerStep) byKernel[backend] = r.kernelMsPerStep as Record<string, number>;
    }
  }
  const gan = rows.map((r) => ({ ...r, msPerStep: 1000 / r.stepsPerSecond }));
  const report = { gan, convOps: ops, convStepMsByKernel: byKernel };
  await Deno.mkdir(flags.out, { recursive: true });
  await Deno.writeTextFile(`${flags.out}/train_speed.json`, JSON.stringify(report, null, 2) + "\n");
  console.log("| model | tfjs backend | steps | steps/s | ms/step |\n|---|---|--:|--:|--:|");
  for (const r of gan) {
    console.log(
      `| ${r.model} | ${r.backend} | ${r.steps} | ${r.stepsPerSecond.toFixed(2)} | ` +
        `${r.msPerStep.toFixed(0)} |`,
    );
  }
  if (ops.length) {
    console.log(
      "\n| conv layer (batch 64) | backend | forward ms | input grad ms | built-in input grad ms " +
        "| filter grad ms |\n|---|---|--:|--:|--:|--:|",
    );
    for (const o of ops) {
      console.log(
        `| ${o.layer} | ${o.backend} | ${ms(o.forwardMs as number)} | ` +
          `${ms(o.inputGradMs as number)} | ${ms(o.inputGradBuiltInMs as number | undefined)} | ` +
          `${ms(o.filterGradMs as number)} |`,
      );
    }
  }
  for (const [backend, kernels] of Object.entries(byKernel)) {
    // Names ending in "__op" are op scopes (custom gradients) that hold other kernels' time.
    const sorted = Object.entries(kernels).filter(([k]) => !k.endsWith("__op"))
      .sort((a, b) => b[1] - a[1]);
    const total = sorted.reduce((s, [, v]) => s + v, 0);
    console.log(`\nconv GAN step on ${backend} by kernel (${total.toFixed(0)} ms of kernels):`);
    for (const [name, v] of sorted.slice(0, 10)) console.log(`  ${name}: ${v.toFixed(1)} ms`);
  }
}
