/**
 * The labelled datasets of the conditional trainer, by name: a training split (GAN training
 * and the held-out images of KeepTraining(D)) and a test split (metrics only).
 *
 * @module
 */

import type { CondDatasetName } from "../config_cond.ts";
import type { LabelledSplit } from "./labelled_source.ts";
import { loadMnist } from "./mnist.ts";

/** Both splits of `name`. */
export async function loadCondData(
  name: CondDatasetName,
): Promise<{ train: LabelledSplit; test: LabelledSplit }> {
  if (name === "mnist") return { train: await loadMnist("train"), test: await loadMnist("test") };
  throw new RangeError(`Cannot load dataset '${name}' yet: expected mnist`);
}
