/**
 * The PyTorch fixtures of tests/fixtures/torch (made by make_fixtures.py) and how one is
 * imported with `deno task import`, for the import tests in process and in workerd.
 *
 * @module
 */

import { join } from "node:path";
import { trainer } from "./trainer_cli.ts";

/** Folder of the committed `<name>_g.onnx`, `<name>_d.onnx` and `<name>.probe.json`. */
export const TORCH_FIXTURES = new URL("../tests/fixtures/torch/", import.meta.url).pathname;

/** The flags the conditional fixtures need: their labels, and logits (random weights look like probabilities). */
export const FIXTURE_LABELS = ["--labels", "0,1,2,3,4,5,6,7,8,9", "--d-output", "logit"];

/** Each fixture with the flags it needs beyond its two files. */
export const FIXTURE_FLAGS: Record<string, string[]> = {
  dcgan64: [],
  cond_index: FIXTURE_LABELS,
  cond_onehot: FIXTURE_LABELS,
  squeeze_d: ["--d-output", "logit"],
};

/** Runs `deno task import` on fixture `name` into the model folder `out` (a short burn-in). */
export async function importFixture(name: string, out: string, extra: string[] = []) {
  return await trainer([
    "import",
    "--generator",
    join(TORCH_FIXTURES, `${name}_g.onnx`),
    "--discriminator",
    join(TORCH_FIXTURES, `${name}_d.onnx`),
    "--out",
    out,
    "--samples",
    "300",
    ...extra,
  ]);
}
