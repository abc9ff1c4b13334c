/**
 * One load pass over one model: new and changed versions load while the table keeps serving,
 * each swapping in as soon as it is ready (one assignment, so a request sees the old copy or the
 * new one, never half of one); a version that fails keeps its previous copy serving if it had
 * one; then the newest `keep` ready versions (and a configured default) stay and older ones are
 * retired.
 *
 * @module
 */

import { sha256Hex } from "../../shared/hash.ts";
import type { VersionFolder } from "../../shared/model_versions.ts";
import type { LoadedModel, ModelSource, RegistryEvent } from "../model_types.ts";
import { fingerprintOf } from "./fingerprint.ts";
import type { Held } from "./held.ts";
import type { ModelSlots, ReloadReport, Slot } from "./slots.ts";

/** What a pass works with: the source, the policy, the table's slots and its holds. */
export interface PassContext {
  source: ModelSource;
  load: (id: string, folder: VersionFolder, manifestBytes?: Uint8Array) => Promise<LoadedModel>;
  files?: readonly string[];
  keep: number;
  defaults: Readonly<Record<string, number>>;
  /** The slots of model `id` (created empty). */
  slots(id: string): ModelSlots;
  /** Holds a loaded version (the table keeps it until it is disposed). */
  hold(model: LoadedModel): Held;
  /** Stops lending `held`; it is disposed once its requests and calls are done. */
  release(held: Held): void;
  emit(event: RegistryEvent): void;
  closed(): boolean;
  /** Try refused versions again even when their files did not change. */
  retryFailed: boolean;
  report: ReloadReport;
}

const message = (error: unknown) => (error as Error)?.message ?? String(error);

function retire(ctx: PassContext, id: string, slot: Slot): void {
  const held = slot.held;
  const was = slot.state;
  Object.assign(slot, {
    state: "retired",
    held: undefined,
    reason: undefined,
    fingerprint: undefined,
  });
  if (held) ctx.release(held);
  if (was !== "retired") {
    ctx.report.retired.push({ id, version: slot.version });
    ctx.emit({ type: "retired", id, version: slot.version });
  }
}

/** Loads `folder` into `slot` unless its copy is current (or refused before and unchanged). */
async function refresh(
  ctx: PassContext,
  id: string,
  target: { slot: Slot; folder: VersionFolder },
): Promise<void> {
  const { slot, folder } = target;
  let manifestBytes: Uint8Array | undefined;
  let sha = "conflict";
  if (!folder.conflict) {
    try {
      manifestBytes = await ctx.source.read(id, `${folder.dir}manifest.json`);
      sha = await sha256Hex(manifestBytes);
    } catch (error) {
      sha = `unreadable: ${message(error)}`;
    }
  }
  if (slot.held && slot.held.model.manifestSha256 === sha) {
    slot.state = "ready";
    return;
  }
  const fingerprint = await fingerprintOf(ctx.source, id, {
    folder,
    manifestBytes,
    files: ctx.files,
  });
  if (slot.fingerprint === fingerprint && !ctx.retryFailed) return; // refused before, unchanged
  if (!slot.held) slot.state = "loading";
  const started = performance.now();
  try {
    const held = ctx.hold(await ctx.load(id, folder, manifestBytes));
    if (ctx.closed()) return void held.close();
    const previous = slot.held;
    Object.assign(slot, { held, state: "ready", reason: undefined, fingerprint: undefined });
    if (previous) ctx.release(previous);
    ctx.report.loaded.push({ id, version: slot.version });
    const ms = Math.round(performance.now() - started);
    ctx.emit({ type: "loaded", id, version: slot.version, backend: held.model.backend.name, ms });
  } catch (error) {
    const text = message(error);
    slot.fingerprint = fingerprint;
    const serving = slot.held !== undefined;
    slot.state = serving ? "ready" : "failed";
    slot.reason = serving ? `a changed copy was refused, the previous one serves: ${text}` : text;
    ctx.report.failed.push({ id, version: slot.version, message: text });
    ctx.emit({ type: "failed", id, version: slot.version, message: text, serving });
  }
}

/**
 * Brings model `id` in line with the source: `present` false (the model folder is gone) retires
 * every version; a source that cannot list the versions leaves them all as they are.
 */
export async function reconcileModel(
  ctx: PassContext,
  model: { id: string; present: boolean },
): Promise<void> {
  const { id } = model;
  const slots = ctx.slots(id);
  let folders: VersionFolder[] = [];
  if (model.present) {
    try {
      folders = ctx.source.versions ? await ctx.source.versions(id) : [{ version: 1, dir: "" }];
    } catch (error) {
      ctx.report.errors.push({ id, message: `Cannot list versions: ${message(error)}` });
      return;
    }
  }
  const onSource = new Set(folders.map((f) => f.version));
  for (const slot of slots.values()) if (!onSource.has(slot.version)) retire(ctx, id, slot);
  const pinned = ctx.defaults[id];
  let ready = 0;
  for (const folder of [...folders].sort((a, b) => b.version - a.version)) {
    if (ctx.closed()) return;
    const outside = ready >= ctx.keep && folder.version !== pinned;
    let slot = slots.get(folder.version);
    // A version first seen outside the kept ones is listed as retired without being loaded.
    const state = outside ? "retired" : "loading";
    if (!slot) slots.set(folder.version, slot = { version: folder.version, dir: "", state });
    slot.dir = folder.dir;
    if (outside) {
      retire(ctx, id, slot);
      continue;
    }
    await refresh(ctx, id, { slot, folder });
    if (slot.held) ready++;
  }
}
