/**
 * The labelled datasets of the conditional trainer, by name: a training split (GAN training
 * and the held-out images of KeepTraining(D)) and a test split (metrics only), with the
 * description of the split.
 *
 * @module
 */

import type { CondDatasetName } from "../config_cond.ts";
import { loadFashion } from "./fashion.ts";
import type { LabelledDataset } from "./labelled.ts";
import { loadMnistDataset } from "./mnist.ts";

/** Both splits of `name` (MNIST: its official split; Fashion-MNIST: 1,000 held out per class). */
export async function loadCondData(name: CondDatasetName): Promise<LabelledDataset> {
  return name === "mnist" ? await loadMnistDataset() : await loadFashion();
}
