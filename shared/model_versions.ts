/**
 * The versioned layout of a model folder, TF Serving style, defined once for the trainer, the
 * server's model sources and the Worker build:
 *
 * ```
 * models/<id>/<version>/manifest.json   version: a positive integer, e.g. models/grid25/2/
 * models/<id>/manifest.json             the flat layout: version 1
 * ```
 *
 * The manifest's own `version` field is its schema version, not the model's.
 *
 * @module
 */

/** Highest model version (nine digits: fits a signed URL and an int32). */
export const MAX_MODEL_VERSION = 999_999_999;

/** One version's folder inside its model folder. */
export interface VersionFolder {
  /** The model version, 1..{@linkcode MAX_MODEL_VERSION}. */
  version: number;
  /** Path prefix of its files within the model folder: `""` (flat, version 1) or `"<v>/"`. */
  dir: string;
  /** Set when the folder cannot be used as it is (why, naming both paths). */
  conflict?: string;
}

/** What a model folder holds at its top level. */
export interface ModelFolderEntries {
  /** A `manifest.json` directly in the model folder (the flat layout). */
  flat: boolean;
  /** Names of subfolders that hold a `manifest.json` (version folders and anything else). */
  folders: readonly string[];
}

/** The version a folder name stands for (`"2"` -> 2), or undefined when it is not one. */
export function parseModelVersion(name: string): number | undefined {
  return /^[1-9][0-9]{0,8}$/.test(name) ? Number(name) : undefined;
}

/**
 * The versions of model `id` from its folder's entries, oldest first. A flat `manifest.json`
 * is version 1; when a `1/` folder exists beside it, version 1 is ambiguous and comes back with
 * a `conflict` (the server refuses it, naming both).
 */
export function versionFolders(id: string, entries: ModelFolderEntries): VersionFolder[] {
  const found = new Map<number, VersionFolder>();
  for (const name of entries.folders) {
    const version = parseModelVersion(name);
    if (version !== undefined) found.set(version, { version, dir: `${name}/` });
  }
  if (entries.flat) {
    const numbered = found.get(1);
    found.set(
      1,
      numbered
        ? {
          ...numbered,
          conflict: `Cannot load '${id}' version 1 as both '${id}/manifest.json' and ` +
            `'${id}/1/manifest.json' exist: keep one`,
        }
        : { version: 1, dir: "" },
    );
  }
  return [...found.values()].sort((a, b) => a.version - b.version);
}

/** The version a new one gets: one above the newest, or 1 for an empty model folder. */
export function nextModelVersion(folders: readonly VersionFolder[]): number {
  const newest = folders.reduce((max, f) => Math.max(max, f.version), 0);
  if (newest >= MAX_MODEL_VERSION) {
    throw new RangeError(
      `Cannot add a version as the newest is ${newest}: versions stop at ${MAX_MODEL_VERSION}`,
    );
  }
  return newest + 1;
}

/** The version folders among `paths` of one model (`manifest.json`, `2/manifest.json`, ...). */
export function versionFoldersOfPaths(id: string, paths: Iterable<string>): VersionFolder[] {
  let flat = false;
  const folders: string[] = [];
  for (const path of paths) {
    if (path === "manifest.json") flat = true;
    const m = /^([^/]+)\/manifest\.json$/.exec(path);
    if (m) folders.push(m[1]);
  }
  return versionFolders(id, { flat, folders });
}
