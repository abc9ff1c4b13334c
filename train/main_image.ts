/**
 * The `train --dataset mnist` command: image config from the CLI overrides, then the image
 * pipeline (see pipeline_image.ts).
 *
 * @module
 */

import type { TrainConfig } from "./config.ts";
import { resolveImageConfig } from "./config_image.ts";
import { progressPrinter } from "./progress.ts";

/** Options for {@linkcode trainMnistCommand}. */
export interface TrainMnistOptions {
  /** Model id. @default {"mnist"} */
  id?: string;
  /** GAN-phase checkpoint folder (resumed when its config matches). @default {undefined} */
  checkpoint?: string;
}

/** Trains the MNIST model into `out` and prints a summary line. */
export async function trainMnistCommand(
  overrides: Partial<TrainConfig>,
  out: string,
  options: TrainMnistOptions = {},
): Promise<void> {
  const config = resolveImageConfig(overrides);
  const { trainImageModel } = await import("./pipeline_image.ts");
  const manifest = await trainImageModel(config, out, {
    id: options.id,
    checkpoint: options.checkpoint,
    onProgress: progressPrinter(),
  });
  const m = manifest.metrics!;
  console.log(
    `wrote ${out}/manifest.json (${manifest.id}, ${manifest.training?.seconds.toFixed(0)} s, ` +
      `FD raw ${m.raw.fd.toFixed(3)} -> DRS ${m.drs.fd.toFixed(3)}, IS ` +
      `${m.raw.inceptionScore.toFixed(3)} -> ${m.drs.inceptionScore.toFixed(3)}, acceptance ` +
      `${(m.drs.acceptance * 100).toFixed(1)}%)`,
  );
}
