/**
 * A {@linkcode ModelSource} over bytes bundled with the code (a Worker's Data modules): no file
 * system, no fetch. Keys are `<id>/<path>` as in the models folder, e.g. `grid25/manifest.json`
 * (version 1, flat) or `grid25/2/manifest.json` (version 2): the versions present at build time.
 *
 * @module
 */

import { versionFoldersOfPaths } from "../../shared/model_versions.ts";
import type { ModelSource } from "../registry.ts";

/** Bundled model files by `<id>/<path>`. */
export type EmbeddedFiles = Readonly<Record<string, ArrayBuffer | Uint8Array>>;

/** Model ids are the keys' first segments that hold a `manifest.json` or version folders. */
export function embeddedModelSource(files: EmbeddedFiles): ModelSource {
  const paths = new Map<string, string[]>();
  for (const key of Object.keys(files)) {
    const slash = key.indexOf("/");
    if (slash <= 0) continue;
    const id = key.slice(0, slash);
    paths.set(id, [...paths.get(id) ?? [], key.slice(slash + 1)]);
  }
  const versions = new Map(
    [...paths].map(([id, list]) => [id, versionFoldersOfPaths(id, list)] as const)
      .filter(([, found]) => found.length > 0),
  );
  const ids = [...versions.keys()].sort();
  return {
    label: "the bundle",
    list: () => Promise.resolve([...ids]),
    versions: (id) => Promise.resolve([...versions.get(id) ?? []]),
    read(id, path) {
      const bytes = files[`${id}/${path}`];
      if (bytes === undefined) {
        return Promise.reject(
          new Error(`Cannot read '${id}/${path}' as it is not in the bundle`),
        );
      }
      // A copy: the registry and backends may keep or transfer what they are given.
      const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
      return Promise.resolve(view.slice());
    },
  };
}
