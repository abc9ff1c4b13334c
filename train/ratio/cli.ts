/**
 * `deno task train-ratio --model DIR --out DIR`: trains a density-ratio estimator for the
 * frozen G of a model folder and writes a candidate model folder (estimator in D's place,
 * calibrator, diagnostics before and after, evaluation) with its manifest.
 *
 * @module
 */

import { CliError, type CommandHelp, type FlagSpec, parseFlags, requireFlag } from "../cli_args.ts";
import { progressPrinter } from "../progress.ts";
import { buildRatioCandidate, DEFAULT_RATIO_RUN, type RatioRunConfig } from "./pipeline.ts";

const FLAGS = {
  model: { type: "string" },
  out: { type: "string" },
  id: { type: "string" },
  steps: { type: "int", min: 1 },
  batch: { type: "int", min: 1, max: 65536 },
  "fake-batch": { type: "int", min: 1, max: 65536 },
  lr: { type: "number", min: 0 },
  "lr-final": { type: "number", min: 0, max: 1 },
  frequencies: { type: "int", min: 1, max: 4096 },
  scale: { type: "number", min: 0 },
  hidden: { type: "int", min: 1, max: 4096 },
  layers: { type: "int", min: 0, max: 16 },
  seed: { type: "int", min: 0, max: 0xffffffff },
  patience: { type: "int", min: 1 },
  ema: { type: "number", min: 0, max: 0.99999 },
  percentile: { type: "number", min: 0, max: 100 },
  "cap-percentile": { type: "number", min: 0, max: 100 },
  acceptance: { type: "number", min: 0.001, max: 0.999 },
  "calibration-samples": { type: "int", min: 100 },
  "diagnose-samples": { type: "int", min: 100 },
  backend: { type: "enum", values: ["wasm", "cpu"] },
  init: { type: "enum", values: ["rff", "base-d"] },
} as const;

const CONFIG_KEYS: [keyof typeof FLAGS, keyof RatioRunConfig][] = [
  ["steps", "steps"],
  ["batch", "batch"],
  ["fake-batch", "fakeBatch"],
  ["lr", "lr"],
  ["lr-final", "lrFinal"],
  ["frequencies", "frequencies"],
  ["scale", "scale"],
  ["hidden", "hidden"],
  ["layers", "layers"],
  ["seed", "seed"],
  ["patience", "patience"],
  ["ema", "emaDecay"],
  ["percentile", "percentile"],
  ["cap-percentile", "capPercentile"],
  ["acceptance", "acceptance"],
  ["calibration-samples", "calibrationSamples"],
  ["diagnose-samples", "diagnoseSamples"],
  ["backend", "backend"],
  ["init", "init"],
];

const HELP: CommandHelp = {
  summary:
    "Train a density-ratio estimator for a 2-D model on held-out real data (a candidate version).",
  usage: "deno task train-ratio --model DIR --out DIR [flags]",
  examples: ["deno task train-ratio --model models/grid25/1 --out .runs/grid25-ratio --steps 3000"],
};

/** The flags with their help: the config field each sets and its default. */
function withDefaults(): Record<string, FlagSpec> {
  const fields = new Map<string, string>(CONFIG_KEYS);
  return Object.fromEntries(
    Object.entries(FLAGS).map(([flag, spec]) => {
      const key = fields.get(flag) as keyof RatioRunConfig | undefined;
      const extra = flag === "model"
        ? { help: "the base model version folder", default: "required" }
        : flag === "out"
        ? { help: "the candidate's folder", default: "required" }
        : flag === "id"
        ? { help: "model id of the candidate", default: "BASE-ratio" }
        : { help: `the estimator's '${key}'`, default: JSON.stringify(DEFAULT_RATIO_RUN[key!]) };
      return [flag, { ...spec, ...extra } as FlagSpec];
    }),
  );
}

/** Runs the train-ratio command. */
export async function trainRatioCommand(args: string[]): Promise<void> {
  const f = parseFlags(args, withDefaults(), HELP);
  const model = requireFlag(f.model as string | undefined, "model", "a model folder");
  const out = requireFlag(f.out as string | undefined, "out", "a folder such as .runs/x");
  if (f.scale !== undefined && !((f.scale as number) > 0)) {
    throw new CliError(`Cannot use '--scale' as it must be a positive number: got '${f.scale}'`);
  }
  const config: Partial<RatioRunConfig> = {};
  for (const [flag, key] of CONFIG_KEYS) {
    if (f[flag] !== undefined) (config as Record<string, unknown>)[key] = f[flag];
  }
  const manifest = await buildRatioCandidate(model, out, {
    config,
    id: f.id as string | undefined,
    onProgress: progressPrinter(),
  });
  console.log(`wrote ${out}/manifest.json (${manifest.id})`);
}
