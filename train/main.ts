/**
 * The offline CLI: `train`, `train-ratio`, `evaluate`, `diagnose` and `calibrate`.
 *
 *   deno task train --dataset grid25 --out models/grid25 [--steps N] [--seed S]
 *   deno task train --dataset mnist|fashion --arch cond-proj --out DIR --classifier DIR
 *   deno task evaluate --model models/grid25 [--samples N] [--write]
 *   deno task diagnose --model models/grid25 [--samples N] [--json FILE]
 *   deno task train-ratio --model models/grid25 --out .runs/grid25-ratio [--steps N]
 *   deno task calibrate --generator g.onnx --discriminator d.onnx --latent 64 --out models/id
 *
 * `train --out` and `calibrate --out` name a model folder and add a new version to it
 * (`models/grid25/2/`), written beside and renamed into place (`train/publish.ts`).
 *
 * @module
 */

import { CliError, parseFlags, requireFlag } from "./cli_args.ts";
import { DEFAULT_CONFIG, resolveConfig, type TrainConfig } from "./config.ts";
import { progressPrinter } from "./progress.ts";
import { writeVersion } from "./publish.ts";

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
  const { wantsConditional, trainCondCommand } = await import("./main_cond.ts");
  if (wantsConditional(args)) return await trainCondCommand(args);
  const f = parseFlags(args, TRAIN_FLAGS);
  const out = requireFlag(
    f.out as string | undefined,
    "out",
    "a model folder such as models/grid25 (a new version is added to it)",
  );
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
  if (f.dataset === "mnist") {
    const { trainMnistCommand } = await import("./main_image.ts");
    return await trainMnistCommand(overrides, out, {
      id: f.id as string | undefined,
      checkpoint: f.checkpoint as string | undefined,
    });
  }
  const config = resolveConfig(overrides);
  const { trainPointModel } = await import("./pipeline.ts");
  const { result: manifest, version, dir } = await writeVersion(
    out,
    (staging) =>
      trainPointModel(config, staging, {
        id: f.id as string | undefined,
        onProgress: progressPrinter(),
      }),
  );
  console.log(
    `wrote ${dir}/manifest.json (${manifest.id} version ${version}, ` +
      `${manifest.training?.seconds.toFixed(0)} s, expected acceptance ` +
      `${(manifest.drs.expectedAcceptance * 100).toFixed(1)}%)`,
  );
}

const USAGE = `usage: main.ts <train|train-ratio|ship|evaluate|diagnose|calibrate> [flags]
  train     --dataset grid25|ring8|mnist --out MODEL_DIR [--steps N] [--d-steps N] [--seed S] ...
            (adds a version: MODEL_DIR/<next>/, published when complete)
            (mnist: [--checkpoint DIR] resumes the GAN phase; needs DIR/classifier)
            --dataset mnist|fashion --arch cond-proj|cond-acgan --out DIR --classifier DIR
            [--max-minutes M] ...: a class-conditional conv GAN (train/main_cond.ts)
            (defaults: ${
  JSON.stringify({ steps: DEFAULT_CONFIG.steps, dSteps: DEFAULT_CONFIG.dSteps })
})
  train-ratio --model DIR --out DIR [--steps N] [--frequencies F] [--scale S] [--seed S] ...
  evaluate  --model DIR [--samples N] [--seed S] [--write]
  diagnose  --model DIR [--samples N] [--seed S] [--calibrator FILE] [--json FILE] [--write]
  ship      --run RUN_DIR --out MODEL_DIR --dataset mnist|fashion --classifier DIR [...]
  calibrate --generator G.onnx --discriminator D.onnx --latent N --out MODEL_DIR | --model DIR`;

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
      case "ship": {
        const { shipCommand } = await import("./ship_cli.ts");
        await shipCommand(rest);
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
            : `Cannot run '${command}' as it is not a command: expected train, train-ratio, ship, evaluate, diagnose or calibrate`,
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
