/**
 * The model files of a Worker build: which versions to bundle, and their manifests and TF.js
 * files copied as Data modules, identical files (by SHA-256) bundled once.
 *
 * @module
 */

import { parseManifestText } from "../shared/manifest.ts";
import type { VersionFolder } from "../shared/model_versions.ts";
import { BACKEND_FILES } from "../backends/mod.ts";
import { fsModelSource } from "../edge/fs_source.ts";

/** The versions to bundle by model id: those whose manifest lists the TF.js files. */
export async function modelVersions(
  dir: string,
  options: { ids?: readonly string[]; versions?: number },
): Promise<Map<string, VersionFolder[]>> {
  const source = fsModelSource(dir);
  const found = new Map<string, VersionFolder[]>();
  for (const id of options.ids ?? await source.list()) {
    const usable: VersionFolder[] = [];
    for (const folder of await source.versions!(id)) {
      if (folder.conflict) throw new Error(folder.conflict);
      const manifest = await Deno.readTextFile(`${dir}/${id}/${folder.dir}manifest.json`)
        .catch(() => "");
      // Listed by name (--model) or not, a version without the TF.js files cannot run there.
      if (BACKEND_FILES.wasm.every((name) => manifest.includes(`"${name}"`)) || options.ids) {
        usable.push(folder);
      }
    }
    const kept = options.versions ? usable.slice(-options.versions) : usable;
    if (kept.length > 0) found.set(id, kept);
  }
  return found;
}

/** A model file the Worker reads at `path`, held in the bundle as the module `module`. */
export interface BundledFile {
  path: string;
  module: string;
}

/**
 * Copies a model version's manifest and WASM-backend files under `out/models/<id>/<dir>`. A
 * file whose bytes an earlier version already bundled (`seen`, by SHA-256: a served version
 * keeps its base's G and D) is not copied again: its path reads that module.
 */
export async function copyModel(
  dir: string,
  model: { id: string; folder: VersionFolder; seen: Map<string, string> },
  out: string,
): Promise<BundledFile[]> {
  const { id } = model;
  const prefix = `${id}/${model.folder.dir}`;
  const text = await Deno.readTextFile(`${dir}/${prefix}manifest.json`);
  const manifest = parseManifestText(text, { source: `${prefix}manifest.json` });
  const paths: { path: string; sha256?: string }[] = [{ path: "manifest.json" }];
  for (const name of BACKEND_FILES.wasm) {
    const entry = manifest.files[name];
    if (!entry) {
      throw new Error(
        `Cannot bundle model '${id}' version ${model.folder.version} as its manifest does not ` +
          `list '${name}'`,
      );
    }
    paths.push({ path: entry.path, sha256: entry.sha256 });
  }
  const copied: BundledFile[] = [];
  for (const { path, sha256 } of paths) {
    const name = `models/${prefix}${path}`;
    const earlier = sha256 === undefined ? undefined : model.seen.get(sha256);
    if (earlier) {
      copied.push({ path: name, module: earlier });
      continue;
    }
    const target = `${out}/${name}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(`${dir}/${prefix}${path}`, target);
    if (sha256 !== undefined) model.seen.set(sha256, name);
    copied.push({ path: name, module: name });
  }
  return copied;
}
