/**
 * The state of each model version the registry knows, and the questions routes ask of it:
 * which version an unpinned request gets, whether a pinned one can be served, and why not.
 *
 * @module
 */

import type { Held } from "./held.ts";

/** Where a version stands: `loading`, `ready` (served), `failed` (with the reason), `retired`. */
export type VersionState = "loading" | "ready" | "failed" | "retired";

/** One version as `/v1/models/:id` lists it. */
export interface VersionStatus {
  version: number;
  state: VersionState;
  /** True for the version unpinned requests get. */
  default: boolean;
  /**
   * Why it failed; for a ready version, why a changed copy of it was refused (the copy loaded
   * before keeps serving).
   */
  reason?: string;
  /** sha256 of the manifest of the copy being served (ready versions). */
  manifestSha256?: string;
  /** The runtime serving it (ready versions). */
  backend?: string;
}

/** One version of one model, as the registry tracks it. */
export interface Slot {
  version: number;
  /** Its folder within the model folder (`""` or `"<v>/"`). */
  dir: string;
  state: VersionState;
  /** The copy being served (ready versions only). */
  held?: Held;
  reason?: string;
  /** Manifest and file stamps of the last copy tried (a failed copy is tried again when they change). */
  fingerprint?: string;
}

/** The versions of one model by number. */
export type ModelSlots = Map<number, Slot>;

/** Why a request cannot be served the version it asked for. */
export type VersionMiss =
  /** No model by that id. */
  | { miss: "model" }
  /** The model has no such version (never seen on the source). */
  | { miss: "version"; version: number }
  /** The version (the default one when `version` was not given) cannot serve now. */
  | { miss: "loading" | "failed" | "retired"; version?: number; reason?: string };

/** A version by model id and number. */
export interface VersionRef {
  id: string;
  version: number;
}

/** What one load pass changed. */
export interface ReloadReport {
  loaded: VersionRef[];
  failed: (VersionRef & { message: string })[];
  retired: VersionRef[];
  /** Models or versions the source could not list (their versions keep their state). */
  errors: { id: string; message: string }[];
}

/** The version unpinned requests of a model get: the configured one, else the newest ready. */
export function defaultSlot(slots: ModelSlots, pinned: number | undefined): Slot | undefined {
  if (pinned !== undefined) return slots.get(pinned);
  let best: Slot | undefined;
  for (const slot of slots.values()) {
    if (slot.held && (!best || slot.version > best.version)) best = slot;
  }
  return best;
}

/** The slot a request for `version` (or the default) reads, or why there is none to serve. */
export function servingSlot(
  slots: ModelSlots | undefined,
  request: { version?: number; pinned?: number },
): Slot | VersionMiss {
  if (!slots) return { miss: "model" };
  const { version } = request;
  if (version !== undefined) {
    const slot = slots.get(version);
    if (!slot) return { miss: "version", version };
    return slot.held ? slot : { miss: missOf(slot), version, reason: slot.reason };
  }
  const slot = defaultSlot(slots, request.pinned);
  if (slot?.held) return slot;
  if (slot) return { miss: missOf(slot), version: slot.version, reason: slot.reason };
  if (request.pinned !== undefined) {
    return { miss: "failed", version: request.pinned, reason: "no such version on the source" };
  }
  // Nothing ready: loading beats failed (it may still come), and a model whose every version
  // was retired (its folder removed) is no model at all for unpinned requests.
  const all = [...slots.values()].sort((a, b) => b.version - a.version);
  const loading = all.find((s) => s.state === "loading");
  if (loading) return { miss: "loading", version: loading.version };
  const failed = all.find((s) => s.state === "failed");
  if (failed) return { miss: "failed", version: failed.version, reason: failed.reason };
  return { miss: "model" };
}

function missOf(slot: Slot): "loading" | "failed" | "retired" {
  return slot.state === "ready" ? "failed" : slot.state;
}

/** The versions of a model as listed, newest first. */
export function slotStatus(slots: ModelSlots, pinned: number | undefined): VersionStatus[] {
  const chosen = defaultSlot(slots, pinned);
  return [...slots.values()].sort((a, b) => b.version - a.version).map((slot) => {
    const status: VersionStatus = {
      version: slot.version,
      state: slot.state,
      default: slot === chosen,
    };
    if (slot.reason !== undefined) status.reason = slot.reason;
    if (slot.held) {
      status.manifestSha256 = slot.held.model.manifestSha256;
      status.backend = slot.held.model.backend.name;
    }
    return status;
  });
}
