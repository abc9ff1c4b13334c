/**
 * `deno task import` (also `deno task calibrate`): DRS calibration for a bring-your-own ONNX
 * pair, or again for a model folder that has a manifest.
 *
 * ```
 * calibrate --generator g.onnx --discriminator d.onnx --latent 64 --out models/<id>
 *           [--id ID] [--sample-shape 28,28,1] [--percentile 95] [--samples 10000]
 *           [--input-names G_IN,D_IN] [--output-names G_OUT,D_OUT] [--output-range LO,HI]
 * calibrate --model models/<id> [--percentile 95] [--samples 10000]
 * ```
 *
 * `--out` names the model folder: the pair is published as its next version
 * (`models/<id>/<v>/`, written beside and renamed into place); `--id` defaults to the folder's
 * name.
 *
 * @module
 */

import { basename, resolve } from "node:path";
import { parseLatentPrior } from "../../shared/latent_prior.ts";
import { CliError, type CommandHelp, type FlagSpec, parseFlags, requireFlag } from "../cli_args.ts";
import type { Manifest } from "../../shared/manifest.ts";

const FLAGS = {
  generator: { type: "string", help: "the generator's ONNX file (as torch.onnx.export wrote it)" },
  discriminator: { type: "string", help: "the discriminator's ONNX file" },
  out: { type: "string", help: "model folder; the import becomes its next version" },
  model: { type: "string", help: "calibrate this model version folder again instead" },
  latent: {
    type: "int",
    min: 1,
    help: "latent size, checked against G",
    default: "from G's input",
  },
  labels: {
    type: "string",
    help: "class labels of a conditional pair, comma-separated, in index order",
  },
  "labels-file": { type: "string", help: "a file of class labels, one per line" },
  id: { type: "string", help: "model id in the manifest", default: "the folder name of --out" },
  "sample-shape": {
    type: "string",
    help: "shape of one sample, e.g. 3,64,64",
    default: "G's output shape",
  },
  "output-range": {
    type: "string",
    help: "value range of samples LO,HI",
    default: "0,1 when a probe batch lies in it, else -1,1",
  },
  "d-output": {
    type: "enum",
    values: ["auto", "logit", "probability"],
    help: "what D returns (auto: probabilities when a probe lies in [0, 1] and no Sigmoid was cut)",
    default: "auto",
  },
  prior: {
    type: "string",
    help: "G's latent prior: normal, uniform[:LO,HI] or truncated-normal[:BOUND]",
    default: "normal",
  },
  "input-names": {
    type: "string",
    help: "G's latent and D's sample input names, where the graphs cannot tell",
    default: "found from the graphs",
  },
  percentile: {
    type: "number",
    min: 0,
    max: 100,
    help: "percentile of F taken as gamma",
    default: "95",
  },
  samples: { type: "int", min: 100, help: "burn-in proposals (per class)", default: "10000" },
  dataset: {
    type: "enum",
    values: ["mnist", "fashion"],
    help: "evaluate raw G and DRS on this dataset (needs --classifier)",
  },
  classifier: { type: "string", help: "the dataset's TF.js classifier folder (shipped beside)" },
  "per-class": { type: "int", min: 10, help: "evaluation samples per class", default: "1000" },
} satisfies Record<string, FlagSpec>;

const HELP: CommandHelp = {
  summary: "Import an ONNX G/D pair trained elsewhere: check both graphs, calibrate DRS on the " +
    "serving runtime, publish a version; or calibrate a model version again (--model).",
  usage: "deno task import --generator G.onnx --discriminator D.onnx --out MODEL_DIR [flags]\n" +
    "       deno task calibrate --model MODEL_VERSION_DIR [--percentile P] [--samples N]",
  examples: [
    "deno task import --generator g.onnx --discriminator d.onnx --out models/dcgan",
    "deno task import --generator g.onnx --discriminator d.onnx --out models/cgan \\\n" +
    "    --labels 0,1,2,3,4,5,6,7,8,9 --dataset mnist --classifier models/mnist/classifier",
    "deno task calibrate --model models/grid25/2 --percentile 90",
  ],
  notes: [
    "The guide: docs/byo.md (the contract, what is adapted, per-class calibration, Workers).",
  ],
};

/** A comma-separated list of `count` items (any count when undefined), each checked by `parse`. */
function listFlag<T>(
  raw: unknown,
  flag: string,
  spec: { count?: number; expected: string; parse: (item: string) => T | undefined },
): T[] | undefined {
  if (raw === undefined) return undefined;
  const items = String(raw).split(",").map((s) => s.trim());
  const values = items.map(spec.parse);
  if (
    (spec.count !== undefined && items.length !== spec.count) || values.some((v) => v === undefined)
  ) {
    throw new CliError(`Cannot use '--${flag}' as it must be ${spec.expected}: got '${raw}'`);
  }
  return values as T[];
}

const positiveInt = (s: string) => (/^[1-9][0-9]*$/.test(s) ? Number(s) : undefined);
const finite = (s: string) => (s !== "" && Number.isFinite(Number(s)) ? Number(s) : undefined);
const name = (s: string) => (s.length > 0 ? s : undefined);

/** Labels from `--labels a,b,c` or `--labels-file` (one per line). */
async function labelsOf(list?: string, file?: string): Promise<string[] | undefined> {
  if (list !== undefined && file !== undefined) {
    throw new CliError("Cannot use both '--labels' and '--labels-file': give one");
  }
  let labels: string[] | undefined;
  if (list !== undefined) labels = list.split(",").map((s) => s.trim());
  if (file !== undefined) {
    let text;
    try {
      text = await Deno.readTextFile(file);
    } catch (error) {
      throw new CliError(`Cannot read '--labels-file' '${file}': ${(error as Error).message}`);
    }
    labels = text.split("\n").map((s) => s.trim()).filter((s) => s.length > 0);
  }
  if (
    labels &&
    (labels.length < 2 || labels.some((l) => !l) || new Set(labels).size !== labels.length)
  ) {
    throw new CliError(
      `Cannot use the labels as they must be at least two distinct non-empty names: got '${labels}'`,
    );
  }
  return labels;
}

function summary(manifest: Manifest, out: string, version?: number): string {
  const { drs } = manifest;
  const which = version === undefined ? "" : ` version ${version}`;
  return `wrote ${out}/manifest.json (${manifest.id}${which}, ${manifest.kind} ` +
    `[${manifest.sampleShape}]): ` +
    `logM ${drs.logM.toFixed(4)}, gamma ${drs.gamma.toFixed(4)} (p${drs.percentile}), ` +
    `expected acceptance ${(drs.expectedAcceptance * 100).toFixed(1)}%`;
}

async function run(args: string[]): Promise<string> {
  const f = parseFlags(args, FLAGS, HELP);
  const percentile = f.percentile as number | undefined;
  const samples = f.samples as number | undefined;
  if (f.model !== undefined) {
    const { recalibrateModel } = await import("./recalibrate.ts");
    const dir = f.model as string;
    return summary(await recalibrateModel(dir, { percentile, samples }), dir);
  }
  const generator = requireFlag(f.generator, "generator", "the generator ONNX file") as string;
  const discriminator = requireFlag(
    f.discriminator,
    "discriminator",
    "the discriminator ONNX file",
  ) as string;
  const out = requireFlag(f.out, "out", "the model folder to write, e.g. models/mymodel") as string;
  const inputs = listFlag(f["input-names"], "input-names", {
    count: 2,
    expected: "two names 'G_LATENT,D_SAMPLE'",
    parse: name,
  });
  const range = listFlag(f["output-range"], "output-range", {
    count: 2,
    expected: "two numbers 'LO,HI'",
    parse: finite,
  });
  const labels = await labelsOf(
    f.labels as string | undefined,
    f["labels-file"] as string | undefined,
  );
  const prior = f.prior === undefined ? undefined : parseLatentPrior(f.prior as string);
  if (f.prior !== undefined && !prior) {
    throw new CliError(
      `Cannot use '--prior' as it must be normal, uniform[:LO,HI] or truncated-normal[:BOUND]: ` +
        `got '${f.prior}'`,
    );
  }
  if ((f.dataset === undefined) !== (f.classifier === undefined)) {
    throw new CliError("Cannot evaluate the import as '--dataset' and '--classifier' go together");
  }
  const { calibrateOnnxPair } = await import("./byo.ts");
  const { writeVersion } = await import("../publish.ts");
  const { result: manifest, version, dir } = await writeVersion(
    out,
    (staging) =>
      calibrateOnnxPair({
        generator,
        discriminator,
        latentDim: f.latent as number | undefined,
        out: staging,
        id: (f.id as string | undefined) ?? basename(resolve(out)),
        sampleShape: listFlag(f["sample-shape"], "sample-shape", {
          expected: "positive integers separated by commas, e.g. 3,64,64",
          parse: positiveInt,
        }),
        percentile,
        samples,
        outputRange: range as [number, number] | undefined,
        names: { latent: inputs?.[0], sample: inputs?.[1] },
        labels,
        dOutput: f["d-output"] as "auto" | "logit" | "probability" | undefined,
        latentPrior: prior,
        evaluation: f.dataset === undefined ? undefined : {
          dataset: f.dataset as string,
          classifier: f.classifier as string,
          perClass: f["per-class"] as number | undefined,
        },
      }),
  );
  return summary(manifest, dir, version);
}

/** Runs the import (and calibrate) command: prints one line on success. */
export async function importCommand(args: string[]): Promise<void> {
  console.log(await run(args));
}
