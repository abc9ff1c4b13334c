/**
 * The conditional image trainer's command line:
 *
 *   deno task train --dataset mnist|fashion --arch cond-proj|cond-acgan --out DIR
 *     --classifier DIR [--max-minutes M] [--steps N] [--seed S] ...
 *
 * Writes into DIR: `generator.onnx`, `discriminator.onnx`, `sampler.onnx`, `tfjs/...`,
 * `checkpoint/` (resumable), `samples.png` and `training.json`.
 *
 * @module
 */

import { CliError, parseFlags, requireFlag } from "./cli_args.ts";
import type { GeneratorConv } from "./models_cond.ts";
import { type CondTrainConfig, resolveCondConfig } from "./config_cond.ts";
import { progressPrinter } from "./progress.ts";

/** The conditional architectures as `--arch` names them. */
export const COND_ARCHS = ["cond-proj", "cond-acgan"] as const;

const FLAGS = {
  dataset: { type: "enum", values: ["mnist", "fashion"] },
  arch: { type: "enum", values: COND_ARCHS },
  out: { type: "string" },
  classifier: { type: "string" },
  checkpoint: { type: "string" },
  "max-minutes": { type: "number", min: 0 },
  "reserve-minutes": { type: "number", min: 0 },
  "checkpoint-minutes": { type: "number", min: 0.01 },
  steps: { type: "int", min: 1 },
  "d-steps": { type: "int", min: 0 },
  seed: { type: "int", min: 0, max: 0xffffffff },
  latent: { type: "int", min: 1, max: 1024 },
  "g-grid": { type: "int", min: 1, max: 1024 },
  "g-convs": { type: "string", help: "G's 3 x 3 convs as at:filters pairs, e.g. 7:64,14:32" },
  "g-out-kernel": { type: "int", min: 1, max: 9 },
  "d-width": { type: "int", min: 1, max: 1024 },
  "d-features": { type: "int", min: 1, max: 4096 },
  "g-batch-norm": { type: "enum", values: ["on", "off"] },
  batch: { type: "int", min: 2, max: 4096 },
  lr: { type: "number", min: 0 },
  "lr-final": { type: "number", min: 0, max: 1 },
  "d-lr": { type: "number", min: 0 },
  r1: { type: "number", min: 0 },
  "real-label": { type: "number", min: 0.5, max: 1 },
  "aux-weight": { type: "number", min: 0 },
  "class-head": { type: "enum", values: ["on", "off"] },
  ema: { type: "number", min: 0, max: 0.99999 },
  diversity: { type: "number", min: 0 },
  "eval-per-class": { type: "int", min: 2 },
  "eval-real": { type: "int", min: 20 },
  "held-out": { type: "int", min: 2 },
  "bn-batches": { type: "int", min: 1 },
  backend: { type: "enum", values: ["wasm", "cpu"] },
} as const;

/** Flag -> config field, for the flags that map one to one. */
const FIELDS: [keyof typeof FLAGS, keyof CondTrainConfig][] = [
  ["dataset", "dataset"],
  ["max-minutes", "maxMinutes"],
  ["reserve-minutes", "reserveMinutes"],
  ["checkpoint-minutes", "checkpointMinutes"],
  ["steps", "steps"],
  ["d-steps", "dSteps"],
  ["seed", "seed"],
  ["latent", "latentDim"],
  ["g-grid", "gGrid"],
  ["g-out-kernel", "gOutKernel"],
  ["d-width", "dWidth"],
  ["d-features", "dFeatures"],
  ["batch", "batch"],
  ["lr", "lr"],
  ["lr-final", "lrFinal"],
  ["d-lr", "dLr"],
  ["r1", "r1"],
  ["real-label", "realLabel"],
  ["aux-weight", "auxWeight"],
  ["ema", "emaDecay"],
  ["diversity", "diversity"],
  ["eval-per-class", "evalPerClass"],
  ["eval-real", "evalRealImages"],
  ["held-out", "heldOut"],
  ["bn-batches", "bnBatches"],
  ["backend", "backend"],
];

/** `7:64,14:32` -> G's convs; throws a one-line CliError for anything else. */
export function parseConvs(text: string): GeneratorConv[] {
  return text.split(",").map((pair) => {
    const m = /^(7|14|28):(\d+)$/.exec(pair.trim());
    if (!m || Number(m[2]) < 1) {
      throw new CliError(
        `Cannot use '--g-convs' as it must be at:filters pairs with at 7, 14 or 28 (e.g. ` +
          `7:64,14:32): got '${text}'`,
      );
    }
    return { at: Number(m[1]) as GeneratorConv["at"], filters: Number(m[2]) };
  });
}

/** Whether a `train` command line asks for the conditional trainer. */
export function wantsConditional(args: string[]): boolean {
  return args.some((a, i) => {
    const [flag, inline] = a.split("=", 2);
    const value = inline ?? args[i + 1];
    return (flag === "--arch" && value?.startsWith("cond-")) ||
      (flag === "--dataset" && value === "fashion");
  });
}

/** The config a command line asks for. */
export function condConfigFromArgs(
  args: string[],
): { config: CondTrainConfig; flags: Record<string, unknown> } {
  const f = parseFlags(args, FLAGS);
  const overrides: Record<string, unknown> = {};
  for (const [flag, key] of FIELDS) if (f[flag] !== undefined) overrides[key] = f[flag];
  if (f.arch !== undefined) overrides.conditioning = (f.arch as string).slice("cond-".length);
  if (f["g-batch-norm"] !== undefined) overrides.gBatchNorm = f["g-batch-norm"] === "on";
  if (f["class-head"] !== undefined) overrides.classHead = f["class-head"] === "on";
  if (f["g-convs"] !== undefined) overrides.gConvs = parseConvs(f["g-convs"] as string);
  return { config: resolveCondConfig(overrides as Partial<CondTrainConfig>), flags: f };
}

/** Runs `train` for a conditional model and prints a summary line. */
export async function trainCondCommand(args: string[]): Promise<void> {
  const { config, flags } = condConfigFromArgs(args);
  const out = requireFlag(flags.out as string | undefined, "out", "a folder such as .runs/mnist");
  const classifier = requireFlag(
    flags.classifier as string | undefined,
    "classifier",
    "the folder of a TF.js classifier of the dataset (model.json, weights.bin)",
  );
  await Deno.mkdir(out, { recursive: true });
  const { trainCondModel } = await import("./pipeline_cond.ts");
  const record = await trainCondModel(config, out, {
    classifier,
    checkpoint: flags.checkpoint as string | undefined,
    onProgress: progressPrinter(),
  });
  const raw = (record.metrics as { raw: { fd: number; classAccuracy: number } }).raw;
  console.log(
    `wrote ${out}/training.json (${config.dataset}, ${config.conditioning}, ${record.steps} ` +
      `steps, ${(record.seconds as number).toFixed(0)} s, raw G FD ${raw.fd.toFixed(3)}, class ` +
      `accuracy ${(raw.classAccuracy * 100).toFixed(2)}%)`,
  );
}
