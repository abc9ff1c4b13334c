/**
 * The models the server can serve: manifests read from a {@linkcode ModelSource}, every file
 * checked against its manifest hash, one backend opened per model. A model that fails to load
 * is refused with a message naming the file, and the others keep serving.
 *
 * @module
 */

import { verifyFileBytes } from "../shared/hash.ts";
import { type Manifest, parseManifestText } from "../shared/manifest.ts";
import { sha256Hex } from "../shared/hash.ts";
import type { Backend, BackendInit } from "../backends/mod.ts";

/** Where model folders come from (a directory, a bucket, an in-memory map in tests). */
export interface ModelSource {
  /** Where the models are, for messages (a folder, "the bundle"). @default {undefined} */
  readonly label?: string;
  /** Model ids (folder names) available. */
  list(): Promise<string[]>;
  /** Bytes of `path` (relative to the model folder, e.g. `manifest.json`). */
  read(id: string, path: string): Promise<Uint8Array>;
}

/** Opens a backend for a model whose files are already verified. */
export type BackendOpener = (init: BackendInit, manifest: Manifest) => Promise<Backend>;

/** A model ready to serve. */
export interface LoadedModel {
  id: string;
  manifest: Manifest;
  backend: Backend;
  /** sha256 of the manifest bytes (pins every file through their hashes). */
  manifestSha256: string;
}

/** A model that could not be loaded, with the reason (naming the file when a file is bad). */
export interface LoadError {
  id: string;
  message: string;
}

/** The registry's view: loaded models, refused models, whether loading has finished. */
export interface Registry {
  readonly loaded: boolean;
  models(): LoadedModel[];
  get(id: string): LoadedModel | undefined;
  errors(): LoadError[];
  /** Loads every model of the source (again); resolves when done, never rejects. */
  load(): Promise<void>;
  dispose(): Promise<void>;
}

/** Which manifest files the registry reads and verifies. */
export interface RegistryOptions {
  /**
   * Manifest file names (keys of `files`) to read and verify; the others are not read, so a
   * source may leave them out (a Worker bundle ships only the WASM backend's files). The
   * manifest pins every file through its hash either way.
   * @default {undefined} (every file the manifest lists)
   */
  files?: readonly string[];
}

/** The opener plus {@linkcode RegistryOptions}, as the third argument of {@linkcode loadModel}. */
export interface LoadModelOptions extends RegistryOptions {
  open: BackendOpener;
}

const decoder = new TextDecoder();

/** Loads one model: manifest, hashes of every listed file (or of `files`), then the backend. */
export async function loadModel(
  source: ModelSource,
  id: string,
  opener: BackendOpener | LoadModelOptions,
): Promise<LoadedModel> {
  const { open, files } = typeof opener === "function"
    ? { open: opener, files: undefined }
    : opener;
  const manifestBytes = await source.read(id, "manifest.json");
  const manifest = parseManifestText(decoder.decode(manifestBytes), {
    source: `${id}/manifest.json`,
  });
  if (manifest.id !== id) {
    throw new Error(
      `Cannot load model '${id}' as its manifest 'id' is '${manifest.id}': rename the folder`,
    );
  }
  const verified = new Map<string, Uint8Array>();
  for (const [name, entry] of Object.entries(manifest.files)) {
    if (files && !files.includes(name)) continue;
    const label = `${id}/${entry.path}`;
    let bytes: Uint8Array;
    try {
      bytes = await source.read(id, entry.path);
    } catch (error) {
      throw new Error(`Cannot load '${label}' as it cannot be read: ${(error as Error).message}`);
    }
    await verifyFileBytes(label, bytes, entry);
    verified.set(name, bytes);
  }
  const readFile = (name: string): Promise<Uint8Array> => {
    const bytes = verified.get(name);
    if (!bytes) {
      const why = name in manifest.files
        ? "it is not among the registry's 'files'"
        : "the manifest does not list it";
      return Promise.reject(new Error(`Cannot load '${id}/${name}' as ${why}`));
    }
    return Promise.resolve(bytes);
  };
  const backend = await open({
    latentDim: manifest.latentDim,
    sampleShape: manifest.sampleShape,
    classes: manifest.classes?.length ?? 0,
    readFile,
  }, manifest);
  return { id, manifest, backend, manifestSha256: await sha256Hex(manifestBytes) };
}

/** A registry over `source`; call `load()` (the app serves 503 on /readyz until it is done). */
export function createRegistry(
  source: ModelSource,
  open: BackendOpener,
  options: RegistryOptions = {},
): Registry {
  let models = new Map<string, LoadedModel>();
  let errors: LoadError[] = [];
  let loaded = false;
  return {
    get loaded() {
      return loaded;
    },
    models: () => [...models.values()],
    get: (id) => models.get(id),
    errors: () => [...errors],
    async load() {
      const next = new Map<string, LoadedModel>();
      const failed: LoadError[] = [];
      let ids: string[] = [];
      try {
        ids = [...await source.list()].sort();
      } catch (error) {
        failed.push({ id: "*", message: `Cannot list models: ${(error as Error).message}` });
      }
      for (const id of ids) {
        try {
          next.set(id, await loadModel(source, id, { open, files: options.files }));
        } catch (error) {
          failed.push({ id, message: (error as Error).message });
        }
      }
      const old = models;
      models = next;
      errors = failed;
      loaded = true;
      for (const m of old.values()) await m.backend.dispose();
    },
    async dispose() {
      for (const m of models.values()) await m.backend.dispose();
      models = new Map();
    },
  };
}
