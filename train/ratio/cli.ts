/**
 * `deno task train-ratio --model DIR --out DIR`: trains a density-ratio estimator for the
 * frozen G of a model folder and writes a candidate model folder (estimator in D's place,
 * calibrator, diagnostics before and after, evaluation) with its manifest.
 *
 * @module
 */

import { CliError, type CommandHelp, type FlagSpec, parseFlags, requireFlag } from "../cli_args.ts";
import { progressPrinter } from "../progress.ts";
import { join } from "node:path";
import { buildRatioCandidate } from "./pipeline.ts";
import { DEFAULT_RATIO_RUN, type RatioRunConfig } from "./run_config.ts";
import { buildImageRatioCandidate, DEFAULT_IMAGE_RATIO, type ImageRatioConfig } from "./image.ts";
import { judgeImageCandidate } from "./image_report.ts";
import { readModelFolder } from "../model_folder.ts";
import { setupTf } from "../tf_setup.ts";

/** Flags an image estimator reads (same names as its config fields). */
const IMAGE_KEYS = [
  "steps",
  "batch",
  "lr",
  "seed",
  "patience",
  "percentile",
  "init",
  "width",
  "features",
] as const;

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
  init: { type: "enum", values: ["rff", "base-d", "fresh", "d-features"] },
  width: { type: "int", min: 4, max: 512 },
  judge: { type: "string" },
  "judge-only": { type: "boolean" },
  "eval-per-class": { type: "int", min: 6, max: 100_000 },
  "judge-acceptance": { type: "string" },
  "judge-temper": { type: "string" },
  "burn-in": { type: "int", min: 100, max: 1_000_000 },
  features: { type: "int", min: 4, max: 4096 },
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
  summary: "Train a density-ratio estimator for a model's frozen G on real data (a candidate " +
    "version): random Fourier features for 2-D models, a class-conditional CNN for image models.",
  usage: "deno task train-ratio --model DIR --out DIR [flags]",
  examples: [
    "deno task train-ratio --model models/grid25/1 --out .runs/grid25-ratio --steps 3000",
    "deno task train-ratio --model models/mnist --out .runs/mnist-ratio --init fresh",
  ],
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
        : flag === "judge"
        ? {
          help: "image models: classifier folders (comma-separated) that judge raw G, DRS with D " +
            "and DRS with the estimator; writes OUT/judgement.json and OUT/report.png",
          default: "none",
        }
        : flag === "judge-acceptance"
        ? {
          help: "image models: target acceptances (comma-separated) both DRS are judged at",
          default: "each manifest's gamma",
        }
        : flag === "judge-temper"
        ? {
          help:
            "image models: also judge DRS on the estimator's ratio to these powers (e.g. 0.3,0.5)",
          default: "none",
        }
        : flag === "eval-per-class"
        ? { help: "image models: samples per class and setting of the judgement", default: "500" }
        : flag === "burn-in"
        ? { help: "image models: DRS burn-in proposals per class", default: "10000" }
        : flag === "judge-only"
        ? { help: "judge the candidate already in --out (no training)", default: "false" }
        : flag === "width" || flag === "features"
        ? {
          help: `image models: the estimator CNN's ${flag}`,
          default: String(DEFAULT_IMAGE_RATIO[flag as "width" | "features"]),
        }
        : { help: `the estimator's '${key}'`, default: JSON.stringify(DEFAULT_RATIO_RUN[key!]) };
      return [flag, { ...spec, ...extra } as FlagSpec];
    }),
  );
}

/** A comma-separated list of numbers in (0, max), or a one-line error naming the flag. */
function numbers(text: string | undefined, flag: string, max: number): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(",").map(Number);
  if (values.some((v) => !(v > 0 && v < max))) {
    throw new CliError(
      `Cannot use '--${flag}' as it must be numbers in (0, ${max}) separated by commas: ` +
        `current value is '${text}'`,
    );
  }
  return values;
}

/** Runs the train-ratio command. */
export async function trainRatioCommand(args: string[]): Promise<void> {
  const f = parseFlags(args, withDefaults(), HELP);
  const model = requireFlag(f.model as string | undefined, "model", "a model folder");
  const out = requireFlag(f.out as string | undefined, "out", "a folder such as .runs/x");
  if (f.scale !== undefined && !((f.scale as number) > 0)) {
    throw new CliError(`Cannot use '--scale' as it must be a positive number: got '${f.scale}'`);
  }
  const kind = await Deno.readTextFile(join(model, "manifest.json")).then(
    (text) => JSON.parse(text).kind,
    () => {
      throw new CliError(
        `Cannot train an estimator as '${join(model, "manifest.json")}' cannot be read: ` +
          "expected a model version folder such as models/grid25/2",
      );
    },
  );
  if (kind === "image") {
    // A class-conditional image model: a CNN estimator (train/ratio/image.ts).
    const config: Partial<ImageRatioConfig> = {};
    for (const key of IMAGE_KEYS) {
      if (f[key] !== undefined) (config as Record<string, unknown>)[key] = f[key];
    }
    if (f["burn-in"] !== undefined) config.burnIn = f["burn-in"] as number;
    // Checked before training: a typo must not wait for the estimator.
    const acceptances = numbers(f["judge-acceptance"] as string | undefined, "judge-acceptance", 1);
    const tempers = numbers(f["judge-temper"] as string | undefined, "judge-temper", 4);
    if (config.init as string === "rff") {
      throw new CliError(
        "Cannot use '--init rff' on an image model: expected 'fresh', 'base-d' or 'd-features'",
      );
    }
    if (!f["judge-only"]) {
      const manifest = await buildImageRatioCandidate(model, out, {
        config,
        id: f.id as string | undefined,
        onProgress: progressPrinter(),
      });
      console.log(`wrote ${out}/manifest.json (${manifest.id})`);
    }
    if (f.judge) {
      await setupTf("wasm");
      const judgements = await judgeImageCandidate(
        await readModelFolder(model),
        await readModelFolder(out),
        {
          classifiers: (f.judge as string).split(","),
          report: join(out, "report.png"),
          perClass: f["eval-per-class"] as number | undefined,
          acceptances,
          tempers,
        },
      );
      await Deno.writeTextFile(
        join(out, "judgement.json"),
        JSON.stringify(judgements, null, 2) + "\n",
      );
      for (const j of judgements) {
        console.log(`\n${j.classifier}: real floor FD ${j.real.fd.toFixed(3)}`);
        for (const [name, r] of Object.entries(j.rows)) {
          console.log(
            `  ${name}: FD ${r.fd.toFixed(3)}, IS ${r.inceptionScore.toFixed(3)}, acc ` +
              `${(r.classAccuracy * 100).toFixed(2)}%, class KL ${r.classKl.toFixed(4)}, cost ` +
              `${r.cost.toFixed(2)}`,
          );
        }
        console.log(
          `  FD gap closed: ${
            Object.entries(j.gapClosed).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(", ")
          }`,
        );
      }
    }
    return;
  }
  if (f.init === "fresh" || f.init === "d-features") {
    throw new CliError(
      `Cannot use '--init ${f.init}' on a 2-D model: expected 'rff' or 'base-d'`,
    );
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
