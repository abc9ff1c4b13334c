/**
 * The `train --dataset mnist` command: image config from the CLI overrides, then the image
 * pipeline (see pipeline_image.ts).
 *
 * @module
 */

import { join } from "node:path";
import type { TrainConfig } from "./config.ts";
import { resolveImageConfig } from "./config_image.ts";
import { progressPrinter } from "./progress.ts";
import { existingVersions, writeVersion } from "./publish.ts";

/** Options for {@linkcode trainMnistCommand}. */
export interface TrainMnistOptions {
  /** Model id. @default {"mnist"} */
  id?: string;
  /** GAN-phase checkpoint folder (resumed when its config matches). @default {undefined} */
  checkpoint?: string;
}

/**
 * The classifier a new version of `out` is evaluated with: `out/classifier`, else the newest
 * version's (`out/<v>/classifier`), else `out/classifier` (its absence is reported by name).
 */
async function classifierFor(out: string): Promise<string> {
  const exists = (dir: string) => Deno.stat(join(dir, "model.json")).then(() => true, () => false);
  const flat = join(out, "classifier");
  if (await exists(flat)) return flat;
  for (const version of (await existingVersions(out)).reverse()) {
    const dir = join(out, String(version), "classifier");
    if (await exists(dir)) return dir;
  }
  return flat;
}

/** Trains the MNIST model as a new version of `out` and prints a summary line. */
export async function trainMnistCommand(
  overrides: Partial<TrainConfig>,
  out: string,
  options: TrainMnistOptions = {},
): Promise<void> {
  const config = resolveImageConfig(overrides);
  const { trainImageModel } = await import("./pipeline_image.ts");
  const classifier = await classifierFor(out);
  const { result: manifest, version, dir } = await writeVersion(
    out,
    (staging) =>
      trainImageModel(config, staging, {
        id: options.id,
        checkpoint: options.checkpoint,
        classifier,
        onProgress: progressPrinter(),
      }),
  );
  const m = manifest.metrics!;
  console.log(
    `wrote ${dir}/manifest.json (${manifest.id} version ${version}, ` +
      `${manifest.training?.seconds.toFixed(0)} s, ` +
      `FD raw ${m.raw.fd.toFixed(3)} -> DRS ${m.drs.fd.toFixed(3)}, IS ` +
      `${m.raw.inceptionScore.toFixed(3)} -> ${m.drs.inceptionScore.toFixed(3)}, acceptance ` +
      `${(m.drs.acceptance * 100).toFixed(1)}%)`,
  );
}
