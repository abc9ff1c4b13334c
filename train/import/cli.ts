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
import { CliError, type CommandHelp, type FlagSpec, parseFlags, requireFlag } from "../cli_args.ts";
import type { Manifest } from "../../shared/manifest.ts";

const FLAGS = {
  generator: { type: "string", help: "the generator's ONNX file: z [N, d] -> x" },
  discriminator: {
    type: "string",
    help: "the discriminator's ONNX file: x -> logit [N] or [N, 1]",
  },
  latent: { type: "int", min: 1, help: "latent size d of the generator's input" },
  out: { type: "string", help: "model folder; the import becomes its next version" },
  model: { type: "string", help: "calibrate this model version folder again instead" },
  id: { type: "string", help: "model id in the manifest", default: "the folder name of --out" },
  "sample-shape": {
    type: "string",
    help: "shape of one sample, e.g. 28,28,1",
    default: "from the generator's output",
  },
  percentile: {
    type: "number",
    min: 0,
    max: 100,
    help: "percentile of F taken as gamma",
    default: "95",
  },
  samples: { type: "int", min: 100, help: "burn-in proposals", default: "10000" },
  "input-names": { type: "string", help: "the graphs' input names G,D", default: "z,x" },
  "output-names": { type: "string", help: "the graphs' output names G,D", default: "x,logit" },
  "output-range": {
    type: "string",
    help: "value range of samples LO,HI",
    default: "-1,1 for images",
  },
} satisfies Record<string, FlagSpec>;

const HELP: CommandHelp = {
  summary: "Import an ONNX G/D pair trained elsewhere: check both graphs, calibrate DRS on the " +
    "serving runtime, publish a version; or calibrate a model version again (--model).",
  usage: "deno task import --generator G.onnx --discriminator D.onnx --latent N --out MODEL_DIR " +
    "[flags]\n       deno task calibrate --model MODEL_VERSION_DIR [--percentile P] [--samples N]",
  examples: [
    "deno task import --generator g.onnx --discriminator d.onnx --latent 64 --out models/mine",
    "deno task calibrate --model models/grid25/2 --percentile 90",
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
  const latentDim = requireFlag(f.latent, "latent", "the latent dimension, e.g. 64") as number;
  const out = requireFlag(f.out, "out", "the model folder to write, e.g. models/mymodel") as string;
  const pairNames = (flag: string) =>
    listFlag(f[flag as keyof typeof f], flag, {
      count: 2,
      expected: "two names 'G,D'",
      parse: name,
    });
  const inputs = pairNames("input-names");
  const outputs = pairNames("output-names");
  const range = listFlag(f["output-range"], "output-range", {
    count: 2,
    expected: "two numbers 'LO,HI'",
    parse: finite,
  });
  const { calibrateOnnxPair } = await import("./byo.ts");
  const { writeVersion } = await import("../publish.ts");
  const { result: manifest, version, dir } = await writeVersion(
    out,
    (staging) =>
      calibrateOnnxPair({
        generator,
        discriminator,
        latentDim,
        out: staging,
        id: (f.id as string | undefined) ?? basename(resolve(out)),
        sampleShape: listFlag(f["sample-shape"], "sample-shape", {
          expected: "positive integers separated by commas, e.g. 28,28,1",
          parse: positiveInt,
        }),
        percentile,
        samples,
        outputRange: range as [number, number] | undefined,
        names: {
          generatorInput: inputs?.[0],
          discriminatorInput: inputs?.[1],
          generatorOutput: outputs?.[0],
          discriminatorOutput: outputs?.[1],
        },
      }),
  );
  return summary(manifest, dir, version);
}

/** Runs the import (and calibrate) command: prints one line on success. */
export async function importCommand(args: string[]): Promise<void> {
  console.log(await run(args));
}
