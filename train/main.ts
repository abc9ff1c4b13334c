/**
 * The offline CLI: `train`, `train-ratio`, `evaluate`, `diagnose` and `calibrate`.
 *
 *   deno task train --dataset grid25 --out models/grid25 [--steps N] [--seed S]
 *   deno task evaluate --model models/grid25 [--samples N] [--write]
 *   deno task diagnose --model models/grid25 [--samples N] [--json FILE]
 *   deno task train-ratio --model models/grid25 --out .runs/grid25-ratio [--steps N]
 *   deno task calibrate --generator g.onnx --discriminator d.onnx --latent 64 --out models/id
 *
 * @module
 */

import { CliError, parseFlags, requireFlag } from "./cli_args.ts";
import { DEFAULT_CONFIG, resolveConfig, type TrainConfig } from "./config.ts";
import { progressPrinter } from "./progress.ts";

const TRAIN_FLAGS = {
  dataset: { type: "enum", values: ["grid25", "ring8", "mnist"] },
  out: { type: "string" },
  id: { type: "string" },
  steps: { type: "int", min: 1 },
  "d-steps": { type: "int", min: 0 },
  seed: { type: "int", min: 0, max: 0xffffffff },
  latent: { type: "int", min: 1, max: 1024 },
  hidden: { type: "int", min: 1, max: 4096 },
  batch: { type: "int", min: 1, max: 65536 },
  lr: { type: "number", min: 0 },
  "lr-final": { type: "number", min: 0, max: 1 },
  "d-lr": { type: "number", min: 0 },
  r1: { type: "number", min: 0 },
  "burn-in": { type: "int", min: 100 },
  percentile: { type: "number", min: 0, max: 100 },
  "eval-samples": { type: "int", min: 100 },
  backend: { type: "enum", values: ["wasm", "cpu"] },
  checkpoint: { type: "string" },
} as const;

async function trainCommand(args: string[]): Promise<void> {
  const f = parseFlags(args, TRAIN_FLAGS);
  const out = requireFlag(f.out as string | undefined, "out", "a folder such as models/grid25");
  const overrides: Partial<TrainConfig> = {};
  const map: [keyof typeof TRAIN_FLAGS, keyof TrainConfig][] = [
    ["dataset", "dataset"],
    ["steps", "steps"],
    ["d-steps", "dSteps"],
    ["seed", "seed"],
    ["latent", "latentDim"],
    ["hidden", "hidden"],
    ["batch", "batch"],
    ["lr", "lr"],
    ["lr-final", "lrFinal"],
    ["d-lr", "dLr"],
    ["r1", "r1"],
    ["burn-in", "burnIn"],
    ["percentile", "percentile"],
    ["eval-samples", "evalSamples"],
    ["backend", "backend"],
  ];
  for (const [flag, key] of map) {
    if (f[flag] !== undefined) (overrides as Record<string, unknown>)[key] = f[flag];
  }
  await Deno.mkdir(out, { recursive: true });
  if (f.dataset === "mnist") {
    const { trainMnistCommand } = await import("./main_image.ts");
    return await trainMnistCommand(overrides, out, {
      id: f.id as string | undefined,
      checkpoint: f.checkpoint as string | undefined,
    });
  }
  const config = resolveConfig(overrides);
  const { trainPointModel } = await import("./pipeline.ts");
  const manifest = await trainPointModel(config, out, {
    id: f.id as string | undefined,
    onProgress: progressPrinter(),
  });
  console.log(
    `wrote ${out}/manifest.json (${manifest.id}, ` +
      `${manifest.training?.seconds.toFixed(0)} s, expected acceptance ` +
      `${(manifest.drs.expectedAcceptance * 100).toFixed(1)}%)`,
  );
}

const USAGE = `usage: main.ts <train|train-ratio|evaluate|diagnose|calibrate> [flags]
  train     --dataset grid25|ring8|mnist --out DIR [--steps N] [--d-steps N] [--seed S] ...
            (mnist: [--checkpoint DIR] resumes the GAN phase; needs DIR/classifier)
            (defaults: ${
  JSON.stringify({ steps: DEFAULT_CONFIG.steps, dSteps: DEFAULT_CONFIG.dSteps })
})
  train-ratio --model DIR --out DIR [--steps N] [--frequencies F] [--scale S] [--seed S] ...
  evaluate  --model DIR [--samples N] [--seed S] [--write]
  diagnose  --model DIR [--samples N] [--seed S] [--calibrator FILE] [--json FILE] [--write]
  calibrate --generator G.onnx --discriminator D.onnx --latent N --out DIR | --model DIR`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "train":
        await trainCommand(rest);
        return 0;
      case "evaluate": {
        const { evaluateCommand } = await import("./evaluate_cli.ts");
        await evaluateCommand(rest);
        return 0;
      }
      case "train-ratio": {
        const { trainRatioCommand } = await import("./ratio/cli.ts");
        await trainRatioCommand(rest);
        return 0;
      }
      case "diagnose": {
        const { diagnoseCommand } = await import("./diagnose/cli.ts");
        await diagnoseCommand(rest);
        return 0;
      }
      case "calibrate": {
        const { calibrateCli } = await import("./calibrate_cli.ts");
        return (await calibrateCli(rest)) ?? 0;
      }
      default:
        console.error(
          command === undefined
            ? USAGE
            : `Cannot run '${command}' as it is not a command: expected train, train-ratio, evaluate, diagnose or calibrate`,
        );
        return 2;
    }
  } catch (error) {
    if (error instanceof CliError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
