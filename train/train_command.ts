/**
 * `deno task train`: one command from data to a servable model version, for every family.
 * The config comes from the family defaults, a preset and the flags (`config.ts`); the run is
 * written beside the model's versions and renamed into place when complete (`publish.ts`).
 *
 * @module
 */

import { basename, join, resolve } from "node:path";
import {
  CliError,
  type CommandHelp,
  type FlagSpec,
  formatHelp,
  HelpRequested,
  parseFlags,
  requireFlag,
  wantsHelp,
} from "./cli_args.ts";
import { presetNames, resolveConfig } from "./config.ts";
import { configFlagHelp, configFlagSpecs, configOverrides } from "./config_flags.ts";
import { progressPrinter } from "./progress.ts";
import { writeVersion } from "./publish.ts";

const RUN_FLAGS: Record<string, FlagSpec> = {
  out: {
    type: "string",
    help: "model folder; the run becomes its next version",
    default: "required",
  },
  preset: {
    type: "string",
    help: "start from presets/NAME.json",
    default: "the dataset's own preset when there is one",
  },
  id: { type: "string", help: "model id in the manifest", default: "the folder name of --out" },
  classifier: {
    type: "string",
    help: "TF.js classifier folder of the metrics (image datasets; shipped beside the model)",
  },
  checkpoint: {
    type: "string",
    help: "GAN-phase checkpoint folder (resumed when its config matches)",
    default: "OUT/.checkpoint",
  },
  "from-checkpoint": {
    type: "boolean",
    help: "skip the GAN phase: re-run the later stages on the checkpoint's weights",
  },
};

const HELP: CommandHelp = {
  summary: "Train a GAN, keep training D, export, calibrate DRS, evaluate and publish a version.",
  usage: "deno task train (--preset NAME | --dataset NAME) --out MODEL_DIR [flags]",
  examples: [
    "deno task train --preset grid25 --out models/grid25",
    "deno task train --preset mnist --out models/mnist --classifier models/mnist/classifier",
    "deno task train --dataset ring8 --out /tmp/ring8 --steps 500 --d-steps 100",
  ],
};

function helpText(): string {
  return formatHelp(
    {
      ...HELP,
      notes: [
        `presets: ${presetNames().join(", ")} (the configs that built the shipped models)`,
        "Config flags override the preset; the defaults shown are each family's before a preset.",
      ],
    },
    RUN_FLAGS,
    ["", "config flags:", ...configFlagHelp()],
  );
}

/** Runs `train`. */
export async function trainCommand(args: string[]): Promise<void> {
  if (wantsHelp(args)) throw new HelpRequested(helpText());
  const f = parseFlags(args, { ...RUN_FLAGS, ...configFlagSpecs() });
  const out = requireFlag(
    f.out as string | undefined,
    "out",
    "a model folder such as models/grid25 (a new version is added to it)",
  );
  let config;
  try {
    config = resolveConfig(configOverrides(f), { preset: f.preset as string | undefined });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const { result: manifest, version, dir } = await writeVersion(
    out,
    (staging) =>
      import("./pipeline.ts").then(({ trainModel }) =>
        trainModel(config, staging, {
          id: (f.id as string | undefined) ?? basename(resolve(out)),
          classifier: f.classifier as string | undefined,
          checkpoint: (f.checkpoint as string | undefined) ?? join(out, ".checkpoint"),
          fromCheckpoint: f["from-checkpoint"] === true,
          onProgress: progressPrinter(),
        })
      ),
  );
  console.log(
    `wrote ${dir}/manifest.json (${manifest.id} version ${version}, ` +
      `${manifest.training?.seconds.toFixed(0)} s, expected acceptance ` +
      `${(manifest.drs.expectedAcceptance * 100).toFixed(1)}%)`,
  );
}
