/**
 * A {@linkcode ModelSource} over a directory of model folders: `<dir>/<id>/<version>/` with a
 * `manifest.json` each, or a flat `<dir>/<id>/manifest.json` (version 1). Uses `Deno.*`:
 * imported only by entry points, never by the app.
 *
 * @module
 */

import { versionFolders } from "../shared/model_versions.ts";
import type { ModelSource } from "./registry.ts";

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Top-level entries of a model folder: a flat manifest, and subfolders holding one. */
async function entriesOf(folder: string): Promise<{ flat: boolean; folders: string[] }> {
  const folders: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    if (!entry.isDirectory || entry.name.startsWith(".")) continue; // .staging-* folders too
    if (await isFile(`${folder}/${entry.name}/manifest.json`)) folders.push(entry.name);
  }
  return { flat: await isFile(`${folder}/manifest.json`), folders };
}

function checked(id: string, path: string): string | undefined {
  return ID.test(id) && !path.split("/").includes("..") && !path.startsWith("/") ? path : undefined;
}

function leaves(id: string, path: string): Error {
  return new Error(`Cannot read '${id}/${path}' as it leaves the models folder`);
}

/** Options for {@linkcode fsModelSource}. */
export interface FsSourceOptions {
  /** The largest file read, checked before reading. @default {1073741824} (1 GiB) */
  maxFileBytes?: number;
}

/**
 * Model folders under `dir`: every subfolder holding a `manifest.json` or version folders. Only
 * regular files are read (a symbolic link, a device or a FIFO is refused, so a link to
 * `/dev/zero` or out of the folder reads nothing), and a file's size is checked before reading.
 */
export function fsModelSource(dir: string, options: FsSourceOptions = {}): ModelSource {
  const maxBytes = options.maxFileBytes ?? 1 << 30;
  const root = dir.replace(/\/+$/, "");
  return {
    label: dir,
    async list() {
      const ids: string[] = [];
      for await (const entry of Deno.readDir(root)) {
        if (!entry.isDirectory || entry.name.startsWith(".")) continue;
        const { flat, folders } = await entriesOf(`${root}/${entry.name}`).catch(() => ({
          flat: false,
          folders: [],
        }));
        // Not a model folder (no manifest, no version folder): skipped.
        if (versionFolders(entry.name, { flat, folders }).length > 0) ids.push(entry.name);
      }
      return ids.sort();
    },
    async versions(id) {
      if (!ID.test(id)) throw leaves(id, "");
      return versionFolders(id, await entriesOf(`${root}/${id}`));
    },
    async read(id, path) {
      if (!checked(id, path)) throw leaves(id, path);
      const full = `${root}/${id}/${path}`;
      const info = await Deno.lstat(full).catch((error: Error) => {
        const what = error instanceof Deno.errors.NotFound ? "no such file" : error.name;
        throw new Error(what, { cause: error });
      });
      if (info.isSymlink) throw new Error("a symbolic link (only regular files are read)");
      if (!info.isFile) throw new Error("not a regular file");
      if (info.size > maxBytes) throw new Error(`${info.size} bytes, over ${maxBytes}`);
      return await Deno.readFile(full).catch((error: Error) => {
        // The OS message names the server's absolute path, and load errors reach clients
        // (503 details, /readyz): keep only what happened.
        const what = error instanceof Deno.errors.NotFound ? "no such file" : error.name;
        throw new Error(what, { cause: error });
      });
    },
    async stamp(id, path) {
      if (!checked(id, path)) throw leaves(id, path);
      const info = await Deno.stat(`${root}/${id}/${path}`);
      return `${info.size}:${info.mtime?.getTime() ?? 0}:${info.ino ?? 0}`;
    },
  };
}
