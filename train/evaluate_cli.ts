/**
 * `deno task evaluate --model DIR`: re-measures raw G vs DRS on a shipped model through the
 * serving runtime and prints the table; `--write` stores the figures in the manifest.
 *
 * @module
 */

import { join } from "node:path";
import { parseFlags, requireFlag } from "./cli_args.ts";
import { parseManifestText } from "../shared/manifest.ts";
import { verifyFileBytes } from "../shared/hash.ts";
import { openOnnxBackend } from "../backends/onnx_node.ts";
import { mixture } from "./data/gaussians.ts";
import type { DatasetName } from "./config.ts";
import { evaluatePointModel, formatMetricsTable } from "./evaluate/run_points.ts";
import { writeManifest } from "./write_manifest.ts";

/** Runs the evaluate command. */
export async function evaluateCommand(args: string[]): Promise<void> {
  const f = parseFlags(args, {
    model: { type: "string" },
    samples: { type: "int", min: 100, max: 1_000_000 },
    seed: { type: "int", min: 0, max: 0xffffffff },
    write: { type: "boolean" },
  });
  const dir = requireFlag(
    f.model as string | undefined,
    "model",
    "a model folder such as models/grid25",
  );
  const source = join(dir, "manifest.json");
  const manifest = parseManifestText(await Deno.readTextFile(source), { source });
  if (manifest.kind !== "points2d") {
    throw new Error(`Cannot evaluate '${manifest.id}' here as its kind is '${manifest.kind}'`);
  }
  const dataset = manifest.training?.config.dataset as DatasetName | undefined;
  if (dataset !== "grid25" && dataset !== "ring8") {
    throw new Error(`Cannot evaluate '${manifest.id}' as its manifest names no known dataset`);
  }
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
    const evaluation = await evaluatePointModel(
      { backend, ...manifest, mix: mixture(dataset) },
      { samples: f.samples as number | undefined, seed: f.seed as number | undefined },
    );
    console.log(`${manifest.id}: ${evaluation.samples} samples each, seed ${evaluation.seed}`);
    console.log(formatMetricsTable(evaluation.raw, evaluation.drs));
    if (f.write) {
      const { version: _v, createdAt: _c, ...draft } = manifest;
      await writeManifest(dir, {
        ...draft,
        metrics: {
          ...draft.metrics, // other measurements (e.g. diagnostics) stay
          samples: evaluation.samples,
          seed: evaluation.seed,
          runtime: backend.name,
          raw: evaluation.raw,
          drs: evaluation.drs,
        },
      });
      console.log(`updated ${source}`);
    }
  } finally {
    await backend.dispose();
  }
}
