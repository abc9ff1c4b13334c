/**
 * Trains the classifier of the image metrics on one dataset and saves it as a TF.js layers model:
 *
 *   deno run -A train/classifier/main.ts --dataset mnist|fashion [--out DIR] [--arch cnn|mlp]
 *     [--epochs N] [--hidden N] [--seed N]
 *
 * `--out` defaults to `.classifiers/<dataset>` (ignored by git; copy a chosen model into
 * `models/<id>/classifier/`). Writes `model.json`, `weights.bin` and `classifier.json` (test
 * accuracy on the dataset's held-out split, parameters, training time, the split).
 *
 * @module
 */

import { join } from "node:path";
import { type CommandHelp, type FlagSpec, parseFlags } from "../cli_args.ts";
import type { LabelledDataset } from "../data/labelled.ts";
import { DATASETS, type LabelledImageDataset } from "../data/mod.ts";
import { saveTfjsModel } from "../export/tfjs.ts";
import { setupTf } from "../tf_setup.ts";
import { installWasmMatMulFix } from "../tfjs_wasm/wasm_matmul.ts";
import type { ClassifierArch } from "./model.ts";
import { trainClassifier } from "./train.ts";

const FLAGS = {
  dataset: { type: "enum", values: ["mnist", "fashion"], help: "dataset", default: "mnist" },
  out: {
    type: "string",
    help: "folder to write model.json, weights.bin, classifier.json",
    default: ".classifiers/DATASET",
  },
  arch: { type: "enum", values: ["cnn", "mlp"], help: "architecture", default: "cnn" },
  epochs: { type: "int", min: 1, max: 200, help: "training epochs", default: "the architecture's" },
  hidden: {
    type: "int",
    min: 8,
    max: 4096,
    help: "width (cnn: filters of the first conv; mlp: units)",
    default: "32 (cnn), 800 (mlp)",
  },
  seed: { type: "int", min: 0, max: 0xffffffff, help: "seed of weights and batches", default: "1" },
} satisfies Record<string, FlagSpec>;

const HELP: CommandHelp = {
  summary:
    "Train the evaluation classifier of an image dataset (TF.js; its features give FD and IS).",
  usage: "deno task classifier [--dataset mnist|fashion] [--out DIR] [flags]",
  examples: ["deno task classifier --dataset fashion --out .classifiers/fashion"],
};

/** Loads `name` with its train/test split. */
function loadDataset(name: "mnist" | "fashion"): Promise<LabelledDataset> {
  return (DATASETS[name] as LabelledImageDataset).load();
}

/** Runs the classifier command. */
export async function classifierCommand(args: string[]): Promise<void> {
  const f = parseFlags(args, FLAGS, HELP);
  const dataset = (f.dataset as "mnist" | "fashion" | undefined) ?? "mnist";
  const out = (f.out as string | undefined) ?? join(".classifiers", dataset);
  const arch = (f.arch as ClassifierArch | undefined) ?? "cnn";
  const backend = await setupTf("wasm");
  if (backend === "wasm") installWasmMatMulFix();
  const data = await loadDataset(dataset);
  console.error(
    `${dataset}: ${data.train.count} training, ${data.test.count} test images ` +
      `(${data.split.method}; ${data.split.skipped.count} malformed rows skipped); ` +
      `${arch} on tfjs-${backend}`,
  );
  const trained = await trainClassifier(data.train, data.test, {
    arch,
    epochs: f.epochs as number | undefined,
    hidden: f.hidden as number | undefined,
    seed: f.seed as number | undefined,
    onEpoch: (e, loss, s) => console.error(`epoch ${e} loss ${loss.toFixed(4)} ${s.toFixed(0)} s`),
  });
  await saveTfjsModel(trained.model, out);
  const weightsBytes = (await Deno.stat(join(out, "weights.bin"))).size;
  const { testRows: _rows, ...split } = data.split; // the rows follow from seed and method
  const info = {
    dataset,
    arch,
    testAccuracy: trained.testAccuracy,
    testImages: data.test.count,
    epochs: trained.epochs,
    hidden: (f.hidden as number | undefined) ?? (arch === "cnn" ? 32 : 800),
    parameters: trained.model.countParams(),
    weightsBytes,
    trainSeconds: trained.trainSeconds,
    secondsPerEpoch: trained.trainSeconds / trained.epochs,
    secondsWithTest: trained.seconds,
    backend: `tfjs-${backend}`,
    split,
  };
  await Deno.writeTextFile(join(out, "classifier.json"), JSON.stringify(info, null, 2) + "\n");
  console.log(
    `${dataset} ${arch}: test accuracy ${(trained.testAccuracy * 100).toFixed(2)}% in ` +
      `${trained.trainSeconds.toFixed(0)} s of training (${info.parameters} parameters, ` +
      `${weightsBytes} bytes)`,
  );
}
