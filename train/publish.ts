/**
 * Publishing a new model version: `train --out models/<id>` and `calibrate --out models/<id>`
 * write into a staging folder beside the versions (`models/<id>/.staging-*`, which servers
 * skip) and rename it into place as `models/<id>/<next version>/` once every file and the
 * manifest are written. A server that reloads meanwhile sees the whole version or none of it,
 * and no version is ever overwritten.
 *
 * @module
 */

import { join } from "node:path";
import { nextModelVersion, parseModelVersion, versionFolders } from "../shared/model_versions.ts";

/** A version folder being written. */
export interface StagedVersion {
  /** Where to write the version's files (a staging folder inside the model folder). */
  dir: string;
  /** The model folder (`--out`). */
  modelDir: string;
  /** Renames the staging folder to `<modelDir>/<version>/`; returns the version and its folder. */
  publish(): Promise<{ version: number; dir: string }>;
  /** Removes the staging folder (a failed run leaves nothing behind). Safe after publish. */
  discard(): Promise<void>;
}

/** The versions `modelDir` holds now (a flat `manifest.json` is version 1; any numbered folder counts). */
export async function existingVersions(modelDir: string): Promise<number[]> {
  const folders: string[] = [];
  let flat = false;
  try {
    for await (const entry of Deno.readDir(modelDir)) {
      if (entry.isDirectory && parseModelVersion(entry.name) !== undefined) {
        folders.push(entry.name);
      }
      if (entry.isFile && entry.name === "manifest.json") flat = true;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return versionFolders(modelDir, { flat, folders }).map((f) => f.version);
}

/** Creates a staging folder in `modelDir` (created if missing) for the next version. */
export async function stageVersion(modelDir: string): Promise<StagedVersion> {
  const created = await Deno.stat(modelDir).then(() => false, () => true);
  await Deno.mkdir(modelDir, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: modelDir, prefix: ".staging-" });
  let published: { version: number; dir: string } | undefined;
  return {
    dir,
    modelDir,
    async publish() {
      if (published) return published;
      // Claim the number with an exclusive mkdir, then rename the staging folder over the empty
      // claimed one (atomic): two runs publishing at once get two versions.
      for (let attempt = 0; attempt < 100; attempt++) {
        const version = nextModelVersion(
          (await existingVersions(modelDir)).map((v) => ({ version: v, dir: `${v}/` })),
        );
        const target = join(modelDir, String(version));
        try {
          await Deno.mkdir(target);
        } catch (error) {
          if (error instanceof Deno.errors.AlreadyExists) continue;
          throw error;
        }
        await Deno.chmod(dir, 0o755); // a temporary folder is private to its owner
        await Deno.rename(dir, target);
        return published = { version, dir: target };
      }
      throw new Error(`Cannot publish a version in '${modelDir}': no free version number`);
    },
    async discard() {
      if (published) return;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      // A model folder made for this version only goes too (Deno.remove refuses a non-empty one).
      if (created) await Deno.remove(modelDir).catch(() => {});
    },
  };
}

/** Runs `write(dir)` on a staging folder of `modelDir`, then publishes it (or discards it on error). */
export async function writeVersion<T>(
  modelDir: string,
  write: (dir: string) => Promise<T>,
): Promise<{ result: T; version: number; dir: string }> {
  const staged = await stageVersion(modelDir);
  try {
    const result = await write(staged.dir);
    return { result, ...await staged.publish() };
  } finally {
    await staged.discard();
  }
}
