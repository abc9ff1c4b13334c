/**
 * Reads a model folder whose G the ratio estimator is built for: its manifest and every file
 * it lists, each verified against its sha256 as the edge does before serving.
 *
 * @module
 */

import { join } from "node:path";
import { verifyFileBytes } from "../shared/hash.ts";
import { type Manifest, parseManifestText } from "../shared/manifest.ts";

/** A verified model folder in memory. */
export interface ModelFolder {
  dir: string;
  manifest: Manifest;
  /** Bytes by manifest file name. */
  files: Record<string, Uint8Array>;
}

/** The manifest of `dir` and its files, verified. */
export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const source = join(dir, "manifest.json");
  const manifest = parseManifestText(await Deno.readTextFile(source), { source });
  const files: Record<string, Uint8Array> = {};
  for (const [name, entry] of Object.entries(manifest.files)) {
    const bytes = await Deno.readFile(join(dir, entry.path));
    await verifyFileBytes(join(dir, entry.path), bytes, entry);
    files[name] = bytes;
  }
  return { dir, manifest, files };
}
