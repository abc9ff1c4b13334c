/**
 * The command line of the config: one flag per config field, derived from the field table
 * below (name, type, range, help); the default each flag shows comes from the family defaults
 * of config.ts, so `--help` cannot drift from the config.
 *
 * @module
 */

import { CliError, type FlagSpec } from "./cli_args.ts";
import { DATASET_NAMES, FAMILY_DEFAULTS, type GeneratorConv } from "./config.ts";

/** One config field as a flag. */
interface FieldFlag {
  /** The config field it sets. */
  key: string;
  spec: FlagSpec;
  /** Reads the flag's checked value into the field's value. @default {identity} */
  read?: (value: unknown) => unknown;
  /** Shows the field's default as the flag takes it. @default {JSON} */
  show?: (value: unknown) => string;
}

const onOff = (help: string): Pick<FieldFlag, "spec" | "read" | "show"> => ({
  spec: { type: "enum", values: ["on", "off"], help },
  read: (v) => v === "on",
  show: (v) => (v ? "on" : "off"),
});

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

const int = (min: number, max: number | undefined, help: string): FlagSpec => ({
  type: "int",
  min,
  max,
  help,
});
const num = (min: number, max: number | undefined, help: string): FlagSpec => ({
  type: "number",
  min,
  max,
  help,
});

/** Flag name -> config field. */
export const CONFIG_FLAGS: Record<string, FieldFlag> = {
  dataset: {
    key: "dataset",
    spec: { type: "enum", values: DATASET_NAMES, help: "dataset to learn; decides the family" },
  },
  seed: { key: "seed", spec: int(0, 0xffffffff, "seed of weights, data, classes and latents") },
  latent: { key: "latentDim", spec: int(1, 1024, "latent size of G") },
  batch: { key: "batch", spec: int(2, 65536, "samples per step (real and fake)") },
  steps: { key: "steps", spec: int(1, undefined, "GAN steps (upper bound with a time budget)") },
  "max-minutes": { key: "maxMinutes", spec: num(0, undefined, "budget of the run (0: none)") },
  "reserve-minutes": {
    key: "reserveMinutes",
    spec: num(0, undefined, "minutes of the budget kept for the stages after the GAN"),
  },
  "checkpoint-minutes": {
    key: "checkpointMinutes",
    spec: num(0.01, undefined, "minutes between GAN-phase checkpoints"),
  },
  lr: { key: "lr", spec: num(0, undefined, "Adam learning rate of G and D") },
  "lr-final": { key: "lrFinal", spec: num(0, 1, "final learning rate as a fraction of --lr") },
  beta1: { key: "beta1", spec: num(0, 0.99999, "Adam beta1") },
  beta2: { key: "beta2", spec: num(0, 0.99999, "Adam beta2") },
  r1: { key: "r1", spec: num(0, undefined, "R1 penalty weight on real data (0: off)") },
  "r1-every": { key: "r1Every", spec: int(1, undefined, "apply R1 every k D steps") },
  "real-label": { key: "realLabel", spec: num(0.5, 1, "one-sided label smoothing target") },
  ema: { key: "emaDecay", spec: num(0, 0.99999, "decay of the average of G's weights (0: off)") },
  "top-k": {
    key: "topK",
    spec: num(0.01, 1, "top-k: floor of the fraction of G's batch kept (1: off)"),
  },
  "top-k-every": { key: "topKEvery", spec: int(1, undefined, "top-k: steps per 1% decay") },
  "d-steps": { key: "dSteps", spec: int(0, undefined, "KeepTraining(D) steps, G frozen") },
  "d-lr": { key: "dLr", spec: num(0, undefined, "learning rate of KeepTraining(D)") },
  "d-eval-every": { key: "dEvalEvery", spec: int(1, undefined, "held-out check interval") },
  "d-patience": { key: "dPatience", spec: int(1, undefined, "checks without gain before stop") },
  "burn-in": { key: "burnIn", spec: int(100, 1_000_000, "burn-in proposals (per class)") },
  percentile: { key: "percentile", spec: num(0, 100, "percentile of F taken as gamma") },
  precision: {
    key: "precision",
    spec: { type: "enum", values: ["float32", "float16"], help: "exported weight precision" },
  },
  fused: { key: "fused", ...onOff("also export sampler.onnx (G and D in one graph)") },
  backend: {
    key: "backend",
    spec: { type: "enum", values: ["wasm", "cpu"], help: "tfjs backend for training" },
  },
  hidden: { key: "hidden", spec: int(1, 4096, "points: hidden units per MLP layer") },
  layers: { key: "layers", spec: int(1, 16, "points: hidden layers of both MLPs") },
  "eval-samples": { key: "evalSamples", spec: int(100, undefined, "points: evaluation samples") },
  arch: {
    key: "conditioning",
    spec: { type: "enum", values: ["cond-proj", "cond-acgan"], help: "image: D's conditioning" },
    read: (v) => String(v).slice("cond-".length),
    show: (v) => `cond-${v}`,
  },
  "g-grid": { key: "gGrid", spec: int(1, 1024, "image: channels of G's 7 x 7 grid") },
  "g-convs": {
    key: "gConvs",
    spec: { type: "string", help: "image: G's 3 x 3 convs as at:filters pairs" },
    read: (v) => parseConvs(String(v)),
    show: (v) => (v as GeneratorConv[]).map((c) => `${c.at}:${c.filters}`).join(","),
  },
  "g-out-kernel": { key: "gOutKernel", spec: int(1, 9, "image: kernel of G's output conv") },
  "embed-dim": { key: "embedDim", spec: int(1, 1024, "image: size of G's class embedding") },
  "g-batch-norm": { key: "gBatchNorm", ...onOff("image: batch norm in G") },
  "d-width": { key: "dWidth", spec: int(1, 1024, "image: channels of D's first conv") },
  "d-features": { key: "dFeatures", spec: int(1, 4096, "image: units of D's feature phi(x)") },
  "class-head": { key: "classHead", ...onOff("image: a class head on the projection D") },
  "aux-weight": { key: "auxWeight", spec: num(0, undefined, "image: class-head loss weight") },
  diversity: { key: "diversity", spec: num(0, undefined, "image: MSGAN mode-seeking weight") },
  "held-out": { key: "heldOut", spec: int(2, undefined, "image: training images held out") },
  "bn-batches": { key: "bnBatches", spec: int(1, undefined, "image: batches for G's BN stats") },
  "eval-per-class": {
    key: "evalPerClass",
    spec: int(2, undefined, "image: evaluation samples per class"),
  },
};

/** The flag specs of the config fields (for `parseFlags`). */
export function configFlagSpecs(): Record<string, FlagSpec> {
  return Object.fromEntries(Object.entries(CONFIG_FLAGS).map(([flag, f]) => [flag, f.spec]));
}

/** The config fields that parsed flags set (flags of other commands are ignored). */
export function configOverrides(flags: Record<string, unknown>): Partial<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(CONFIG_FLAGS)) {
    if (flags[flag] === undefined) continue;
    out[field.key] = field.read ? field.read(flags[flag]) : flags[flag];
  }
  return out;
}

/** `--help` lines of the config flags: each with its default for the points and image families. */
export function configFlagHelp(): string[] {
  const show = (f: FieldFlag, config: Record<string, unknown>) =>
    f.key in config ? (f.show ?? ((v) => JSON.stringify(v)))(config[f.key]) : undefined;
  return Object.entries(CONFIG_FLAGS).map(([flag, f]) => {
    const points = show(f, FAMILY_DEFAULTS.points), image = show(f, FAMILY_DEFAULTS["cond-image"]);
    const values = f.spec.type === "enum" ? ` ${f.spec.values.join("|")}` : "";
    const defaults = flag === "dataset"
      ? "grid25"
      : points === image
      ? points
      : [points && `${points} (points)`, image && `${image} (image)`].filter(Boolean).join(", ");
    return `  --${flag}${values}  ${f.spec.help ?? ""} (default: ${defaults})`;
  });
}
