/**
 * A version's fingerprint: its manifest's hash and a stamp of every file the manifest lists
 * (size and modification time where the source offers them, else the bytes' hash). A version
 * that failed to load is tried again by a poll once its fingerprint changes, so a fixed file is
 * picked up without an operator's reload, and a broken one is not retried on every poll.
 *
 * @module
 */

import { sha256Hex } from "../../shared/hash.ts";
import type { VersionFolder } from "../../shared/model_versions.ts";
import type { ModelSource } from "../model_types.ts";

/** What {@linkcode fingerprintOf} looks at. */
export interface FingerprintOptions {
  folder: VersionFolder;
  /** The manifest's bytes (undefined: it could not be read). */
  manifestBytes?: Uint8Array;
  /** Manifest file names the registry reads. @default {every file the manifest lists} */
  files?: readonly string[];
}

/** Paths the manifest lists (none when it is not a manifest at all). */
function listedPaths(bytes: Uint8Array, files?: readonly string[]): string[] {
  try {
    const entries = JSON.parse(new TextDecoder().decode(bytes))?.files;
    if (typeof entries !== "object" || entries === null) return [];
    return Object.entries(entries as Record<string, { path?: unknown }>)
      .filter(([name, entry]) =>
        (!files || files.includes(name)) && typeof entry?.path === "string"
      )
      .map(([, entry]) => entry.path as string)
      .sort();
  } catch {
    return [];
  }
}

/** The fingerprint of one version folder as the source has it now. */
export async function fingerprintOf(
  source: ModelSource,
  id: string,
  options: FingerprintOptions,
): Promise<string> {
  const { folder, manifestBytes } = options;
  if (folder.conflict) return `conflict:${folder.conflict}`;
  if (!manifestBytes) return "no manifest";
  const parts = [`manifest=${await sha256Hex(manifestBytes)}`];
  for (const path of listedPaths(manifestBytes, options.files)) {
    const where = `${folder.dir}${path}`;
    let stamp: string;
    try {
      stamp = source.stamp
        ? await source.stamp(id, where)
        : await sha256Hex(await source.read(id, where));
    } catch {
      stamp = "missing";
    }
    parts.push(`${path}=${stamp}`);
  }
  return parts.join("\n");
}
