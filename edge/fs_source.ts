/**
 * A {@linkcode ModelSource} over a directory of model folders (`<dir>/<id>/manifest.json`).
 * Uses `Deno.*`: imported only by entry points, never by the app.
 *
 * @module
 */

import type { ModelSource } from "./registry.ts";

/** Model folders under `dir`: every subfolder holding a `manifest.json`. */
export function fsModelSource(dir: string): ModelSource {
  const root = dir.replace(/\/+$/, "");
  return {
    label: dir,
    async list() {
      const ids: string[] = [];
      for await (const entry of Deno.readDir(root)) {
        if (!entry.isDirectory || entry.name.startsWith(".")) continue;
        try {
          await Deno.stat(`${root}/${entry.name}/manifest.json`);
          ids.push(entry.name);
        } catch {
          // Not a model folder (no manifest): skipped.
        }
      }
      return ids.sort();
    },
    read(id, path) {
      if (
        !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id) || path.split("/").includes("..") ||
        path.startsWith("/")
      ) {
        return Promise.reject(
          new Error(`Cannot read '${id}/${path}' as it leaves the models folder`),
        );
      }
      return Deno.readFile(`${root}/${id}/${path}`).catch((error: Error) => {
        // The OS message names the server's absolute path, and load errors reach clients
        // (503 details, /readyz): keep only what happened.
        const what = error instanceof Deno.errors.NotFound ? "no such file" : error.name;
        throw new Error(what, { cause: error });
      });
    },
  };
}
