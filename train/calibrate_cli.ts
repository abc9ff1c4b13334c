/**
 * `deno task calibrate`: DRS calibration for a bring-your-own ONNX pair, or again for a model
 * folder that has a manifest.
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
import { CliError, type FlagSpec, parseFlags, requireFlag } from "./cli_args.ts";
import type { Manifest } from "../shared/manifest.ts";

const FLAGS = {
  generator: { type: "string" },
  discriminator: { type: "string" },
  latent: { type: "int", min: 1 },
  out: { type: "string" },
  model: { type: "string" },
  id: { type: "string" },
  "sample-shape": { type: "string" },
  percentile: { type: "number", min: 0, max: 100 },
  samples: { type: "int", min: 100 },
  "input-names": { type: "string" },
  "output-names": { type: "string" },
  "output-range": { type: "string" },
} satisfies Record<string, FlagSpec>;

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
  const f = parseFlags(args, FLAGS);
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
  const { writeVersion } = await import("./publish.ts");
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

/**
 * Runs the calibrate command; prints one line and returns the exit code: 0 on success, 2 for
 * a bad command line, 1 when the models or files are refused.
 */
export async function calibrateCli(args: string[]): Promise<number> {
  try {
    console.log(await run(args));
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return error instanceof CliError ? 2 : 1;
  }
}

if (import.meta.main) Deno.exit(await calibrateCli(Deno.args));
