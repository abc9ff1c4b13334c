/**
 * `deno task ship --run DIR --out models/<id> --dataset mnist|fashion --classifier DIR [--id ID]
 * [--percentile P] [--burn-in N] [--per-class N] [--seed S]`: a conditional training run
 * (`deno task train --arch cond-proj ...`) becomes a new version of a shipped model folder
 * (written beside the versions, renamed into place when complete).
 *
 * @module
 */

import { basename } from "node:path";
import { parseFlags, requireFlag } from "./cli_args.ts";
import { type CondDatasetName, CONDITIONAL_DATASETS } from "./config_cond.ts";
import { writeVersion } from "./publish.ts";
import { shipCondModel } from "./ship_cond.ts";
import { setupTf } from "./tf_setup.ts";

/** Runs the ship command. */
export async function shipCommand(args: string[]): Promise<void> {
  const f = parseFlags(args, {
    run: { type: "string", help: "a conditional training run folder" },
    out: { type: "string", help: "the model folder, e.g. models/mnist" },
    dataset: { type: "enum", values: CONDITIONAL_DATASETS },
    classifier: { type: "string", help: "a TF.js classifier folder" },
    id: { type: "string" },
    percentile: { type: "number", min: 0, max: 100 },
    "burn-in": { type: "int", min: 100, max: 1_000_000 },
    "per-class": { type: "int", min: 10, max: 100_000 },
    seed: { type: "int", min: 0, max: 0xffffffff },
  });
  const run = requireFlag(f.run as string | undefined, "run", "a training run folder");
  const out = requireFlag(
    f.out as string | undefined,
    "out",
    "a model folder such as models/mnist",
  );
  const dataset = requireFlag(
    f.dataset as CondDatasetName | undefined,
    "dataset",
    "mnist or fashion",
  );
  const classifier = requireFlag(
    f.classifier as string | undefined,
    "classifier",
    "the folder of the dataset's TF.js classifier",
  );
  await setupTf("wasm");
  const { version, dir, result } = await writeVersion(
    out,
    (staging) =>
      shipCondModel(run, staging, {
        id: (f.id as string | undefined) ?? basename(out),
        dataset,
        classifier,
        percentile: f.percentile as number | undefined,
        burnIn: f["burn-in"] as number | undefined,
        perClass: f["per-class"] as number | undefined,
        seed: f.seed as number | undefined,
      }),
  );
  console.log(`wrote ${dir}/manifest.json (${result.id} version ${version})`);
}
