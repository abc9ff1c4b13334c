/**
 * Re-measures the raw G of a conditional run folder with any classifier (e.g. a newer one
 * than the run used), without training:
 *
 *   deno run -A train/evaluate_cond_cli.ts --run DIR --classifier DIR [--per-class N]
 *     [--eval-real N] [--seed S] [--out FILE] [--sheet FILE]
 *
 * Reads `DIR/training.json` (dataset, latent size) and `DIR/tfjs/generator`; prints the
 * metrics as JSON and writes them to `--out` when given, the sample sheet to `--sheet`.
 *
 * @module
 */

import { join } from "node:path";
import { CliError, parseFlags, requireFlag } from "./cli_args.ts";
import type { CondTrainConfig } from "./config_cond.ts";
import { loadCondData } from "./data/cond_datasets.ts";
import { evaluateCond } from "./evaluate/run_cond.ts";
import { loadTfjsModel } from "./export/mod.ts";
import { setupTf } from "./tf_setup.ts";
import { installWasmFixes } from "./wasm_fixes.ts";

const FLAGS = {
  run: { type: "string" },
  classifier: { type: "string" },
  "per-class": { type: "int", min: 2 },
  "eval-real": { type: "int", min: 20 },
  seed: { type: "int", min: 0, max: 0xffffffff },
  out: { type: "string" },
  sheet: { type: "string" },
} as const;

async function main(args: string[]): Promise<void> {
  const f = parseFlags(args, FLAGS);
  const run = requireFlag(f.run as string | undefined, "run", "a conditional run folder");
  const classifierDir = requireFlag(
    f.classifier as string | undefined,
    "classifier",
    "the folder of a TF.js classifier of the dataset",
  );
  const record = JSON.parse(await Deno.readTextFile(join(run, "training.json"))) as {
    config: CondTrainConfig;
  };
  if (await setupTf("wasm") === "wasm") installWasmFixes();
  const classifier = await loadTfjsModel(classifierDir);
  const generator = await loadTfjsModel(join(run, "tfjs/generator"));
  const { train, test } = await loadCondData(record.config.dataset);
  const t0 = performance.now();
  const metrics = await evaluateCond(generator, {
    classifier,
    test,
    train,
    latentDim: record.config.latentDim,
    perClass: (f["per-class"] as number | undefined) ?? record.config.evalPerClass,
    realImages: (f["eval-real"] as number | undefined) ?? record.config.evalRealImages,
    seed: f.seed as number | undefined,
    sheet: f.sheet as string | undefined,
  });
  const result = {
    run,
    classifier: classifierDir,
    seconds: (performance.now() - t0) / 1000,
    ...metrics,
  };
  const text = JSON.stringify(result, null, 2) + "\n";
  if (f.out) await Deno.writeTextFile(f.out as string, text);
  console.log(text);
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(error.message);
    Deno.exit(2);
  }
}
