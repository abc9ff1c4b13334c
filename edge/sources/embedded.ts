/**
 * A {@linkcode ModelSource} over bytes bundled with the code (a Worker's Data modules): no file
 * system, no fetch. Keys are `<id>/<path>` as in the models folder, e.g. `grid25/manifest.json`.
 *
 * @module
 */

import type { ModelSource } from "../registry.ts";

/** Bundled model files by `<id>/<path>`. */
export type EmbeddedFiles = Readonly<Record<string, ArrayBuffer | Uint8Array>>;

/** Model ids are the keys' first segments that hold a `manifest.json`. */
export function embeddedModelSource(files: EmbeddedFiles): ModelSource {
  const ids = Object.keys(files)
    .filter((key) => /^[^/]+\/manifest\.json$/.test(key))
    .map((key) => key.slice(0, key.indexOf("/")))
    .sort();
  return {
    label: "the bundle",
    list: () => Promise.resolve([...ids]),
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
