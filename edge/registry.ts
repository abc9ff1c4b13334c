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

import { loadModel } from "./load_model.ts";
import type {
  BackendOpener,
  LoadedModel,
  LoadError,
  ModelSource,
  RegistryOptions,
} from "./model_types.ts";
import type { Lease } from "./versions/held.ts";
import type { ReloadReport, VersionMiss, VersionStatus } from "./versions/slots.ts";
import { createVersionTable } from "./versions/table.ts";

export { loadModel, type LoadModelOptions } from "./load_model.ts";
export type { Lease } from "./versions/held.ts";
export type {
  BackendOpener,
  LoadedModel,
  LoadError,
  ModelSource,
  RegistryEvent,
  RegistryOptions,
} from "./model_types.ts";
export type { ReloadReport, VersionMiss, VersionState, VersionStatus } from "./versions/slots.ts";

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

/**
 * `loading`, refused after `options.ms` (a hung load must not hold a reload pass, and every
 * later one, forever); a load that finishes after its refusal has its backend disposed.
 */
function withinLoadTimeout(
  loading: Promise<LoadedModel>,
  options: { ms?: number; what: string },
): Promise<LoadedModel> {
  if (options.ms === undefined) return loading;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let late = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      late = true;
      reject(new Error(`Cannot load '${options.what} as it took longer than ${options.ms} ms`));
    }, options.ms);
  });
  loading.then((model) => {
    if (late) void model.backend.dispose().catch(() => {});
  }, () => {});
  return Promise.race([loading, timeout]).finally(() => clearTimeout(timer));
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
      withinLoadTimeout(
        loadModel(source, id, {
          open,
          files: options.files,
          folder,
          manifestBytes,
          measureCallCost: options.measureCallCost,
        }),
        { ms: options.loadTimeoutMs, what: `${id}' version ${folder.version}` },
      ),
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
