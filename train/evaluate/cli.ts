/**
 * `deno task evaluate --model DIR`: re-measures a shipped model through the serving runtime.
 *
 * - `--sampler drs` (default, 2D models): raw G vs DRS, the manifest's `metrics` table.
 * - `--sampler all`: the quality-cost curve of every sampler (raw, truncation, DRS at several
 *   acceptance targets, MH at several K) over `--seeds`, for 2D and class-conditional image
 *   models; `--write` stores the rows in `metrics.curves` and the plot as `curves.png`.
 *
 * @module
 */

import { basename, join, resolve } from "node:path";
import { openOnnxBackend } from "../../backends/onnx_node.ts";
import { CliError, type CommandHelp, type FlagSpec, parseFlags, requireFlag } from "../cli_args.ts";
import { mixture, type MixtureName } from "../data/gaussians.ts";
import { modelCurve } from "./curve_run.ts";
import { gapClosed } from "./report_image.ts";
import { curvesMetrics, publishServedVersion } from "./serve_version.ts";
import { evaluatePointModel, formatMetricsTable } from "./run_points.ts";
import { fileEntry } from "../export/mod.ts";
import { readModelFolder } from "../model_folder.ts";
import { setupTf } from "../tf_setup.ts";
import { writeManifest } from "../write_manifest.ts";

function parseSeeds(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const seeds = text.split(",").map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0 || s > 0xffffffff)) {
    throw new Error(
      `Cannot evaluate as '--seeds' must be comma-separated integers such as 1,2,3: current value is '${text}'`,
    );
  }
  return seeds;
}

const FLAGS = {
  model: { type: "string", help: "model version folder (with manifest.json)", default: "required" },
  sampler: {
    type: "enum",
    values: ["drs", "all"],
    help: "drs: raw G vs DRS (2-D models); all: every sampler's quality-cost curve",
    default: "drs",
  },
  samples: {
    type: "int",
    min: 100,
    max: 1_000_000,
    help: "samples per setting (and seed)",
    default: "10000 (drs), the model's (all)",
  },
  seed: {
    type: "int",
    min: 0,
    max: 0xffffffff,
    help: "seed of the evaluation (--sampler drs)",
    default: "424242",
  },
  seeds: {
    type: "string",
    help: "comma-separated seeds of the curve (--sampler all)",
    default: "1,2",
  },
  write: { type: "boolean", help: "store the figures in the manifest (and curves.png)" },
  only: {
    type: "string",
    help: "--sampler all: only these settings, comma-separated labels as the table prints them; " +
      "other values too ('DRS 15%', 'MH K=6')",
    default: "all",
  },
  quick: {
    type: "boolean",
    help: "--sampler all: only raw G and DRS (no truncation, MH, calibration; with --only: " +
      "no calibration)",
  },
  classifier: {
    type: "string",
    help: "classifier folder of the image metrics (--sampler all), e.g. one the model never saw",
    default: "the model's classifier/ (else its model folder's)",
  },
  serve: {
    type: "string",
    help: "--sampler all: publish the model with this row of the table (its label, e.g. " +
      "'calibrated MH K=8') as what requests get by default, as the next version of --out",
    default: "none",
  },
  out: {
    type: "string",
    help: "with --serve: the model folder the version is published in (e.g. models/mnist)",
    default: "required with --serve",
  },
} satisfies Record<string, FlagSpec>;

const HELP: CommandHelp = {
  summary: "Re-measure a model version through the serving runtime.",
  usage: "deno task evaluate --model DIR [--sampler drs|all] [flags]",
  examples: [
    "deno task evaluate --model models/grid25/2",
    "deno task evaluate --model models/mnist --sampler all --seeds 1,2 --samples 4000 --write",
    "deno task evaluate --model models/mnist --sampler all --seeds 1,2,3 --samples 5000 \\\n" +
    "    --only 'raw G,DRS 30%,calibrated MH K=8' --serve 'calibrated MH K=8' --out models/mnist",
  ],
};

/** Runs the evaluate command. */
export async function evaluateCommand(args: string[]): Promise<void> {
  const f = parseFlags(args, FLAGS, HELP);
  const dir = requireFlag(
    f.model as string | undefined,
    "model",
    "a model folder such as models/grid25",
  );
  const serve = f.serve as string | undefined;
  if (serve !== undefined && f.sampler !== "all") {
    throw new CliError(
      `Cannot evaluate as '--sampler' must be 'all' with '--serve': current value is '${
        f.sampler ?? "drs"
      }'`,
    );
  }
  if (serve === undefined && f.out !== undefined) {
    throw new CliError("Cannot evaluate as '--out' is only for '--serve': add --serve LABEL");
  }
  const out = serve === undefined ? undefined : requireFlag(
    f.out as string | undefined,
    "out",
    "the model folder to publish in, such as models/mnist",
  );
  const folder = await readModelFolder(dir);
  const { manifest } = folder;
  const backend = await openOnnxBackend({
    latentDim: manifest.latentDim,
    sampleShape: manifest.sampleShape,
    classes: manifest.classes?.length,
    readFile: (name) => {
      const bytes = folder.files[name];
      if (!bytes) throw new Error(`Cannot read '${name}' as the manifest does not list it`);
      return Promise.resolve(bytes);
    },
  });
  const { version: _v, createdAt: _c, ...draft } = manifest;
  const source = join(dir, "manifest.json");
  try {
    if (f.sampler === "all") {
      if (manifest.kind === "image") await setupTf("wasm");
      const curve = await modelCurve(folder, backend, {
        samples: f.samples as number | undefined,
        seeds: parseSeeds(f.seeds as string | undefined),
        classifier: f.classifier as string | undefined,
        quick: f.quick as boolean | undefined,
        only: (f.only as string | undefined)?.split(",").map((s) => s.trim()),
        require: serve,
        // A served version's figure carries the id it is published under.
        ...(out !== undefined ? { heading: basename(resolve(out)) } : {}),
        log: (line) => console.log(line),
      });
      console.log(`${manifest.id}: ${curve.samples} samples per setting and seed\n`);
      console.log(curve.table);
      if (curve.real) {
        const raw = curve.rows.find((r) => r.family === "raw")?.metrics.fd;
        console.log(
          `\nheld-out images (one half against the other): ${
            Object.entries(curve.real).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ")
          }`,
        );
        if (raw !== undefined) {
          console.log("share of the FD gap (raw G to real) each setting closes:");
          for (const r of curve.rows) {
            const closed = gapClosed(r.metrics.fd, { raw, real: curve.real.fd });
            console.log(
              `  ${r.label}: ${(100 * closed).toFixed(1)}% at ${
                r.cost.toFixed(2)
              } evaluations/sample`,
            );
          }
        }
      }
      if (serve !== undefined) {
        const published = await publishServedVersion(folder, { ...curve, backend }, {
          label: serve,
          out: out!,
        });
        console.log(`published ${published.dir} (version ${published.version}) serving '${serve}'`);
      }
      if (f.write) {
        await Deno.writeFile(join(dir, "curves.png"), curve.png);
        await writeManifest(dir, {
          ...draft,
          files: { ...draft.files, "curves.png": await fileEntry("curves.png", curve.png) },
          metrics: { ...draft.metrics!, curves: curvesMetrics(curve, backend.name) },
        });
        console.log(`updated ${source} and ${join(dir, "curves.png")}`);
      }
      return;
    }
    if (manifest.kind !== "points2d") {
      throw new Error(
        `Cannot evaluate '${manifest.id}' with '--sampler drs' as its kind is '${manifest.kind}': ` +
          "image models are measured by 'deno task train' and '--sampler all'",
      );
    }
    const dataset = manifest.training?.config.dataset as MixtureName | undefined;
    if (dataset !== "grid25" && dataset !== "ring8") {
      throw new Error(`Cannot evaluate '${manifest.id}' as its manifest names no known dataset`);
    }
    const evaluation = await evaluatePointModel(
      { backend, ...manifest, mix: mixture(dataset) },
      { samples: f.samples as number | undefined, seed: f.seed as number | undefined },
    );
    console.log(`${manifest.id}: ${evaluation.samples} samples each, seed ${evaluation.seed}`);
    console.log(formatMetricsTable(evaluation.raw, evaluation.drs));
    if (f.write) {
      await writeManifest(dir, {
        ...draft,
        metrics: {
          ...draft.metrics, // other measurements (e.g. diagnostics, curves) stay
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
