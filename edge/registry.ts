/**
 * The models the server can serve: every version of every model folder of a
 * {@linkcode ModelSource} (`<id>/<version>/manifest.json`, or a flat `<id>/manifest.json` as
 * version 1), each file checked against its manifest hash, one backend opened per version. A
 * version that fails to load is refused with a message naming the file, and the others keep
 * serving.
 *
 * `load()` is also the reload: new and changed versions load while the others serve and swap in
 * at once; the newest `keep` ready versions stay loaded and older ones are retired, disposed once
 * their requests in flight are done (`edge/versions/`).
 *
 * @module
 */

import type { Manifest } from "../shared/manifest.ts";
import type { VersionFolder } from "../shared/model_versions.ts";
import { loadModel } from "./load_model.ts";
import type { Backend, BackendInit } from "../backends/mod.ts";
import type { Lease } from "./versions/held.ts";
import type { ReloadReport, VersionMiss, VersionStatus } from "./versions/slots.ts";
import { createVersionTable } from "./versions/table.ts";

export { loadModel, type LoadModelOptions } from "./load_model.ts";
export type { Lease } from "./versions/held.ts";
export type { ReloadReport, VersionMiss, VersionState, VersionStatus } from "./versions/slots.ts";

/** Where model folders come from (a directory, a bucket, an in-memory map in tests). */
export interface ModelSource {
  /** Where the models are, for messages (a folder, "the bundle"). @default {undefined} */
  readonly label?: string;
  /** Model ids (folder names) available. */
  list(): Promise<string[]>;
  /**
   * The version folders of model `id` (`shared/model_versions.ts`).
   * @default {undefined} (version 1 only, flat: the model folder's own `manifest.json`)
   */
  versions?(id: string): Promise<VersionFolder[]>;
  /** Bytes of `path` (relative to the model folder, e.g. `manifest.json`, `2/generator.onnx`). */
  read(id: string, path: string): Promise<Uint8Array>;
  /**
   * A cheap token that changes when the file at `path` changes (size and modification time):
   * a version that failed to load is tried again by a poll once one of its files changed.
   * @default {undefined} (the file's bytes are hashed instead)
   */
  stamp?(id: string, path: string): Promise<string>;
}

/** Opens a backend for a model whose files are already verified. */
export type BackendOpener = (init: BackendInit, manifest: Manifest) => Promise<Backend>;

/** A model version ready to serve. */
export interface LoadedModel {
  id: string;
  /** The model version (its folder's number; 1 for a flat folder). */
  version: number;
  manifest: Manifest;
  backend: Backend;
  /** sha256 of the manifest bytes (pins every file through their hashes). */
  manifestSha256: string;
}

/** A model version that could not be loaded, with the reason (naming the file when a file is bad). */
export interface LoadError {
  /** The model id (`*` when the source could not be listed at all). */
  id: string;
  /** The version, when one version failed. */
  version?: number;
  message: string;
}

/** Options for {@linkcode Registry.load}. */
export interface LoadOptions {
  /**
   * Try versions that failed before again even when none of their files changed (an operator's
   * reload: the cause may have been outside the files). A poll passes false. @default {true}
   */
  retryFailed?: boolean;
}

/** The registry's view: loaded versions, refused ones, whether the first load has finished. */
export interface Registry {
  readonly loaded: boolean;
  /** The default version of every model that has one ready (what unpinned requests get). */
  models(): LoadedModel[];
  /** Model `id` at `version`, or at its default version; undefined unless that one is ready. */
  get(id: string, version?: number): LoadedModel | undefined;
  /** Every known version of `id` with its state, newest first; undefined for an unknown id. */
  versions(id: string): VersionStatus[] | undefined;
  /** Ids of the models the source lists. */
  ids(): string[];
  /**
   * A lease on `id` at `version` (or at its default version) for one request, or why there is
   * none; release it once the answer is made.
   */
  acquire(id: string, version?: number): Lease | VersionMiss;
  /** Versions refused at their last load attempt (and a source that could not be listed). */
  errors(): LoadError[];
  /**
   * Loads new and changed versions of every model (the first call loads them all) and applies
   * the keep policy; resolves when done, never rejects. Calls made while a pass runs share the
   * next pass.
   */
  load(options?: LoadOptions): Promise<ReloadReport>;
  dispose(): Promise<void>;
}

/** What the registry reports as it loads, refuses and retires versions (for logs). */
export type RegistryEvent =
  | { type: "loaded"; id: string; version: number; backend: string; ms: number }
  | { type: "failed"; id: string; version: number; message: string; serving: boolean }
  | { type: "retired"; id: string; version: number }
  | { type: "disposed"; id: string; version: number; error?: string };

/** Which manifest files the registry reads and verifies, and how many versions it keeps. */
export interface RegistryOptions {
  /**
   * Manifest file names (keys of `files`) to read and verify; the others are not read, so a
   * source may leave them out (a Worker bundle ships only the WASM backend's files). The
   * manifest pins every file through its hash either way.
   * @default {undefined} (every file the manifest lists)
   */
  files?: readonly string[];
  /** Ready versions kept loaded per model, newest first (`DRS_KEEP_VERSIONS`). @default {2} */
  keep?: number;
  /**
   * The version unpinned requests get, per model id (`DRS_DEFAULT_VERSIONS`); always kept
   * loaded. @default {{}} (the newest ready version)
   */
  defaults?: Readonly<Record<string, number>>;
  /** Milliseconds a retired version waits for calls in flight before disposal. @default {30000} */
  drainMs?: number;
  /** Called for every version loaded, refused, retired and disposed. @default {undefined} */
  onEvent?: (event: RegistryEvent) => void;
}

/** A registry over `source`; call `load()` (the app serves 503 on /readyz until it is done). */
export function createRegistry(
  source: ModelSource,
  open: BackendOpener,
  options: RegistryOptions = {},
): Registry {
  const keep = options.keep ?? 2;
  if (!Number.isInteger(keep) || keep < 1) {
    throw new RangeError(`Cannot keep versions as 'keep' must be an integer >= 1: it is ${keep}`);
  }
  const table = createVersionTable(source, {
    load: (id, folder, manifestBytes) =>
      loadModel(source, id, { open, files: options.files, folder, manifestBytes }),
    files: options.files,
    keep,
    defaults: options.defaults ?? {},
    drainMs: options.drainMs,
    onEvent: options.onEvent,
  });
  let loaded = false;
  let running: Promise<ReloadReport> | undefined;
  let next: Promise<ReloadReport> | undefined;
  let nextRetries = false;
  const pass = (retryFailed: boolean): Promise<ReloadReport> => {
    running = table.reconcile({ retryFailed }).finally(() => {
      loaded = true;
      running = undefined;
    });
    return running;
  };
  return {
    get loaded() {
      return loaded;
    },
    models: () => table.defaults(),
    get: (id, version) => table.get(id, version),
    versions: (id) => table.status(id),
    ids: () => table.ids(),
    acquire: (id, version) => table.acquire(id, version),
    errors: () => table.errors(),
    load(loadOptions = {}) {
      const retryFailed = loadOptions.retryFailed ?? true;
      if (!running) return pass(retryFailed);
      // One pass at a time: whoever asks meanwhile shares the pass after the running one.
      nextRetries ||= retryFailed;
      next ??= running.then(() => {
        next = undefined;
        const retries = nextRetries;
        nextRetries = false;
        return pass(retries);
      });
      return next;
    },
    async dispose() {
      // Not waiting for a pass in progress (a model may never finish opening): whatever it
      // loads after this is closed as it arrives.
      await table.close();
    },
  };
}
