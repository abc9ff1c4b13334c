/**
 * Loading one model version: its manifest, every listed file checked against its hash, then the
 * backend opened on the verified bytes. Errors name the file (`grid25/2/generator.onnx`).
 *
 * @module
 */

import { sha256Hex, verifyFileBytes } from "../shared/hash.ts";
import { parseManifestText } from "../shared/manifest.ts";
import { measureCallCost } from "../sampling/mod.ts";
import type { VersionFolder } from "../shared/model_versions.ts";
import type { BackendOpener, LoadedModel, ModelSource, RegistryOptions } from "./model_types.ts";

/** The opener plus {@linkcode RegistryOptions}, as the third argument of {@linkcode loadModel}. */
export interface LoadModelOptions extends Pick<RegistryOptions, "files" | "measureCallCost"> {
  open: BackendOpener;
  /** The version folder to load. @default {{ version: 1, dir: "" }} (the flat layout) */
  folder?: VersionFolder;
  /** The manifest's bytes, when already read. @default {read from the source} */
  manifestBytes?: Uint8Array;
}

const decoder = new TextDecoder();

/** Loads one model version: manifest, hashes of every listed file (or of `files`), then the backend. */
export async function loadModel(
  source: ModelSource,
  id: string,
  opener: BackendOpener | LoadModelOptions,
): Promise<LoadedModel> {
  const {
    open,
    files,
    folder = { version: 1, dir: "" },
    manifestBytes: given,
    measureCallCost: measure,
  } = typeof opener === "function" ? { open: opener } as LoadModelOptions : opener;
  const { version, dir } = folder;
  if (folder.conflict) throw new Error(folder.conflict);
  let manifestBytes = given;
  try {
    manifestBytes ??= await source.read(id, `${dir}manifest.json`);
  } catch (error) {
    throw new Error(
      `Cannot load '${id}/${dir}manifest.json' as it cannot be read: ${(error as Error).message}`,
    );
  }
  const manifest = parseManifestText(decoder.decode(manifestBytes), {
    source: `${id}/${dir}manifest.json`,
  });
  if (manifest.id !== id) {
    throw new Error(
      `Cannot load model '${id}' as its manifest 'id' is '${manifest.id}': rename the folder`,
    );
  }
  const verified = new Map<string, Uint8Array>();
  for (const [name, entry] of Object.entries(manifest.files)) {
    if (files && !files.includes(name)) continue;
    const label = `${id}/${dir}${entry.path}`;
    let bytes: Uint8Array;
    try {
      bytes = await source.read(id, `${dir}${entry.path}`);
    } catch (error) {
      throw new Error(`Cannot load '${label}' as it cannot be read: ${(error as Error).message}`);
    }
    await verifyFileBytes(label, bytes, entry);
    verified.set(name, bytes);
  }
  let opened = false;
  const readFile = (name: string): Promise<Uint8Array> => {
    const bytes = verified.get(name);
    if (opened) {
      return Promise.reject(new Error(`Cannot read '${id}/${dir}${name}' as the model is open`));
    }
    if (!bytes) {
      const why = name in manifest.files
        ? "it is not among the registry's 'files'"
        : "the manifest does not list it";
      return Promise.reject(new Error(`Cannot load '${id}/${dir}${name}' as ${why}`));
    }
    return Promise.resolve(bytes);
  };
  const backend = await open({
    latentDim: manifest.latentDim,
    sampleShape: manifest.sampleShape,
    classes: manifest.classes?.length ?? 0,
    readFile,
  }, manifest);
  // The runtime has what it needs: the file bytes need not live as long as the backend does.
  opened = true;
  verified.clear();
  const measured = measure
    ? await measureCallCost({
      backend,
      latentDim: manifest.latentDim,
      classes: manifest.classes?.length,
    }).catch((error) => backend.dispose().then(() => Promise.reject(error)))
    : undefined;
  // Where the clock cannot tell (Workers stop it while a request computes), an image G+D is
  // compute-bound on every runtime measured (mnist: 0.5 of a proposal on ONNX Runtime, less on
  // tfjs-wasm); a 2-D MLP's call costs more than its proposals.
  const callCost = measure && measured === undefined && manifest.kind === "image" ? 1 : measured;
  return {
    id,
    version,
    manifest,
    backend,
    manifestSha256: await sha256Hex(manifestBytes),
    callCost,
  };
}
