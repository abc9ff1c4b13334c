/**
 * `deno task diagnose --model DIR`: diagnostics of a 2D model's discriminator (raw logit, and
 * calibrated when the manifest or `--calibrator FILE` gives a calibrator) through ONNX
 * Runtime; prints the tables, `--json FILE` writes the JSON, `--write` stores it in the
 * manifest's `metrics.diagnostics`.
 *
 * @module
 */

import { join } from "node:path";
import { CliError, type CommandHelp, type FlagSpec, parseFlags, requireFlag } from "../cli_args.ts";
import { type Calibrator, parseCalibrator } from "../../shared/calibrator.ts";
import { parseManifestText } from "../../shared/manifest.ts";
import { verifyFileBytes } from "../../shared/hash.ts";
import { openOnnxBackend } from "../../backends/onnx_node.ts";
import { mixture } from "../data/gaussians.ts";
import type { MixtureName } from "../data/gaussians.ts";
import { writeManifest } from "../write_manifest.ts";
import { formatDiagnostics } from "./mod.ts";
import { diagnosePointModel } from "./run_points.ts";

const FLAGS = {
  model: { type: "string", help: "model version folder (with manifest.json)", default: "required" },
  samples: {
    type: "int",
    min: 100,
    max: 10_000_000,
    help: "samples of G and of real data",
    default: "100000",
  },
  seed: {
    type: "int",
    min: 0,
    max: 0xffffffff,
    help: "seed of the diagnostic draws",
    default: "5150",
  },
  calibrator: {
    type: "string",
    help: "a calibrator JSON file to diagnose instead of the manifest's",
  },
  json: { type: "string", help: "also write the report as JSON to this file" },
  write: { type: "boolean", help: "store the diagnostics in the manifest's metrics" },
} satisfies Record<string, FlagSpec>;

const HELP: CommandHelp = {
  summary:
    "Diagnose D as a density-ratio estimator on a 2-D model (calibration, AUC, ratio error).",
  usage: "deno task diagnose --model DIR [flags]",
  examples: ["deno task diagnose --model models/grid25/2 --samples 20000"],
};

async function readCalibrator(file: string): Promise<Calibrator> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    throw new CliError(`Cannot use '--calibrator' as '${file}' cannot be read: ${error}`);
  }
  try {
    return parseCalibrator(JSON.parse(text));
  } catch (error) {
    throw new CliError(
      `Cannot use '--calibrator' as '${file}' is not a calibrator: ${(error as Error).message}`,
    );
  }
}

/** Runs the diagnose command. */
export async function diagnoseCommand(args: string[]): Promise<void> {
  const f = parseFlags(args, FLAGS, HELP);
  const dir = requireFlag(f.model as string | undefined, "model", "a model folder");
  const source = join(dir, "manifest.json");
  const manifest = parseManifestText(await Deno.readTextFile(source), { source });
  const dataset = manifest.training?.config.dataset as MixtureName | undefined;
  if (manifest.kind !== "points2d" || (dataset !== "grid25" && dataset !== "ring8")) {
    throw new CliError(
      `Cannot diagnose '${manifest.id}' as only 2D models of a known mixture are supported: ` +
        `kind '${manifest.kind}', dataset '${dataset}'`,
    );
  }
  const calibrator = f.calibrator !== undefined
    ? await readCalibrator(f.calibrator as string)
    : manifest.calibrator;
  const backend = await openOnnxBackend({
    latentDim: manifest.latentDim,
    sampleShape: manifest.sampleShape,
    readFile: async (name) => {
      const bytes = await Deno.readFile(join(dir, manifest.files[name].path));
      await verifyFileBytes(name, bytes, manifest.files[name]);
      return bytes;
    },
  });
  try {
    const result = await diagnosePointModel(
      backend,
      { mix: mixture(dataset), latentDim: manifest.latentDim },
      {
        samples: f.samples as number | undefined,
        seed: f.seed as number | undefined,
        calibrators: calibrator && calibrator.kind !== "identity" ? { calibrated: calibrator } : {},
      },
    );
    console.log(`${manifest.id}: ${result.samples} G samples and real points, seed ${result.seed}`);
    for (const [name, d] of Object.entries(result.scorers)) {
      console.log("\n" + formatDiagnostics(d, `${manifest.id} ${name}`));
    }
    if (f.json !== undefined) {
      await Deno.writeTextFile(f.json as string, JSON.stringify(result, null, 2) + "\n");
      console.log(`wrote ${f.json}`);
    }
    if (f.write) {
      const { version: _v, createdAt: _c, ...draft } = manifest;
      if (!draft.metrics) {
        throw new CliError(`Cannot --write as '${source}' has no metrics block to extend`);
      }
      await writeManifest(dir, { ...draft, metrics: { ...draft.metrics, diagnostics: result } });
      console.log(`updated ${source}`);
    }
  } finally {
    await backend.dispose();
  }
}
