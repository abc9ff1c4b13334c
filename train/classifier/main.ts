/**
 * Trains the MNIST classifier of the image metrics and saves it as a TF.js layers model:
 *
 *   deno run -A train/classifier/main.ts --out models/mnist/classifier [--epochs N] [--hidden N]
 *
 * Writes `model.json`, `weights.bin` and `classifier.json` (test accuracy, training time).
 *
 * @module
 */

import { join } from "node:path";
import { CliError, parseFlags, requireFlag } from "../cli_args.ts";
import { loadMnist } from "../data/mnist.ts";
import { saveTfjsModel } from "../export/tfjs.ts";
import { setupTf } from "../tf_setup.ts";
import { installWasmMatMulFix } from "../wasm_matmul.ts";
import { trainClassifier } from "./train.ts";

const FLAGS = {
  out: { type: "string" },
  epochs: { type: "int", min: 1, max: 200 },
  hidden: { type: "int", min: 16, max: 4096 },
  seed: { type: "int", min: 0, max: 0xffffffff },
} as const;

async function main(args: string[]): Promise<void> {
  const f = parseFlags(args, FLAGS);
  const out = requireFlag(
    f.out as string | undefined,
    "out",
    "a folder such as models/mnist/classifier",
  );
  const backend = await setupTf("wasm");
  if (backend === "wasm") installWasmMatMulFix();
  const [train, test] = [await loadMnist("train"), await loadMnist("test")];
  const trained = await trainClassifier(train, test, {
    epochs: f.epochs as number | undefined,
    hidden: f.hidden as number | undefined,
    seed: f.seed as number | undefined,
    onEpoch: (e, loss, s) => console.error(`epoch ${e} loss ${loss.toFixed(4)} ${s.toFixed(0)} s`),
  });
  await saveTfjsModel(trained.model, out);
  const info = {
    testAccuracy: trained.testAccuracy,
    testImages: test.count,
    epochs: trained.epochs,
    hidden: (f.hidden as number | undefined) ?? 800,
    seconds: trained.seconds,
    backend: `tfjs-${backend}`,
  };
  await Deno.writeTextFile(join(out, "classifier.json"), JSON.stringify(info, null, 2) + "\n");
  console.log(
    `test accuracy ${(trained.testAccuracy * 100).toFixed(2)}% in ${trained.seconds.toFixed(0)} s`,
  );
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(error.message);
    Deno.exit(2);
  }
}
