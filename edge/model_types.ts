/**
 * What the registry and its version table share: where model folders come from, how a backend
 * is opened, a loaded version, the registry's events and options. Imports nothing of edge/, so
 * `registry.ts`, `load_model.ts` and `versions/` import it without a circle.
 *
 * @module
 */

import type { Manifest } from "../shared/manifest.ts";
import type { VersionFolder } from "../shared/model_versions.ts";
import type { Backend, BackendInit } from "../backends/mod.ts";

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
  /**
   * A G+D call's fixed cost in proposals on this backend, measured at load
   * (`sampling/call_cost.ts`): compute-bound models get rounds sized by quantile.
   */
  callCost?: number;
}

/** A model version that could not be loaded, with the reason (naming the file when a file is bad). */
export interface LoadError {
  /** The model id (`*` when the source could not be listed at all). */
  id: string;
  /** The version, when one version failed. */
  version?: number;
  message: string;
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
  /**
   * Measure each version's G+D call cost when it loads (a few calls: `sampling/call_cost.ts`),
   * so compute-bound models get rounds sized by quantile. The server's entry points set it;
   * tests that count backend calls leave it off. @default {false}
   */
  measureCallCost?: boolean;
  /**
   * Milliseconds one version may take to load before it is refused (a hung read or runtime then
   * holds no reload pass). The Deno server sets `DRS_LOAD_TIMEOUT_S`; Workers allow no timer
   * outside a request, so there it is off. @default {undefined} (no bound)
   */
  loadTimeoutMs?: number;
  /** Called for every version loaded, refused, retired and disposed. @default {undefined} */
  onEvent?: (event: RegistryEvent) => void;
}
