/**
 * The registry's table of model versions and the load pass that brings it in line with the
 * source: new and changed versions load while the table keeps serving, each swapping in as soon
 * as it is ready (one assignment, so a request sees the old copy or the new one, never half of
 * one); a version that fails keeps its previous copy serving if it had one; then the newest
 * `keep` ready versions (and a configured default) stay and older ones are retired.
 *
 * @module
 */

import type { VersionFolder } from "../../shared/model_versions.ts";
import type { LoadedModel, ModelSource, RegistryEvent } from "../registry.ts";
import { type Held, holdModel, type Lease } from "./held.ts";
import { fingerprintOf } from "./fingerprint.ts";
import {
  defaultSlot,
  type ModelSlots,
  type ReloadReport,
  servingSlot,
  type Slot,
  slotStatus,
  type VersionMiss,
  type VersionStatus,
} from "./slots.ts";
import { sha256Hex } from "../../shared/hash.ts";

/** What the table needs from the registry. */
export interface TableOptions {
  load: (id: string, folder: VersionFolder, manifestBytes?: Uint8Array) => Promise<LoadedModel>;
  files?: readonly string[];
  keep: number;
  defaults: Readonly<Record<string, number>>;
  drainMs?: number;
  onEvent?: (event: RegistryEvent) => void;
}

/** The table behind a registry. */
export interface VersionTable {
  ids(): string[];
  defaults(): LoadedModel[];
  get(id: string, version?: number): LoadedModel | undefined;
  status(id: string): VersionStatus[] | undefined;
  acquire(id: string, version?: number): Lease | VersionMiss;
  errors(): { id: string; version?: number; message: string }[];
  reconcile(options: { retryFailed: boolean }): Promise<ReloadReport>;
  close(): Promise<void>;
}

const message = (error: unknown) => (error as Error)?.message ?? String(error);

/** An empty table over `source`. */
export function createVersionTable(source: ModelSource, options: TableOptions): VersionTable {
  const models = new Map<string, ModelSlots>();
  const live = new Set<Held>();
  let listed: string[] = [];
  let sourceErrors: { id: string; message: string }[] = [];
  let closed = false;
  const emit = options.onEvent ?? (() => {});

  const hold = (model: LoadedModel): Held => {
    const held = holdModel(model, {
      drainMs: options.drainMs,
      onDisposeError: (error) =>
        emit({ type: "disposed", id: model.id, version: model.version, error: error.message }),
    });
    live.add(held);
    return held;
  };
  /** Stops lending `held`; it is disposed once its requests and calls are done. */
  const release = (held: Held) => {
    held.retire().then(() => {
      if (!live.delete(held)) return; // closed meanwhile
      emit({ type: "disposed", id: held.model.id, version: held.model.version });
    });
  };
  const retire = (id: string, slot: Slot, report: ReloadReport) => {
    const held = slot.held;
    const was = slot.state;
    slot.state = "retired";
    slot.held = undefined;
    slot.reason = undefined;
    slot.fingerprint = undefined;
    if (held) release(held);
    if (was !== "retired") {
      report.retired.push({ id, version: slot.version });
      emit({ type: "retired", id, version: slot.version });
    }
  };

  /** Loads `folder` into `slot` unless its copy is current (or failed and unchanged). */
  async function refresh(id: string, slot: Slot, folder: VersionFolder, ctx: Pass): Promise<void> {
    let manifestBytes: Uint8Array | undefined;
    let sha = "conflict";
    if (!folder.conflict) {
      try {
        manifestBytes = await source.read(id, `${folder.dir}manifest.json`);
        sha = await sha256Hex(manifestBytes);
      } catch (error) {
        sha = `unreadable: ${message(error)}`;
      }
    }
    if (slot.held && slot.held.model.manifestSha256 === sha) {
      slot.state = "ready";
      return;
    }
    const fingerprint = await fingerprintOf(source, id, {
      folder,
      manifestBytes,
      files: options.files,
    });
    if (slot.fingerprint === fingerprint && !ctx.retryFailed) return; // refused before, unchanged
    if (!slot.held) slot.state = "loading";
    const started = performance.now();
    try {
      const held = hold(await options.load(id, folder, manifestBytes));
      if (closed) return void held.close();
      const previous = slot.held;
      Object.assign(slot, { held, state: "ready", reason: undefined, fingerprint: undefined });
      if (previous) release(previous);
      ctx.report.loaded.push({ id, version: slot.version });
      const ms = Math.round(performance.now() - started);
      emit({ type: "loaded", id, version: slot.version, backend: held.model.backend.name, ms });
    } catch (error) {
      const text = message(error);
      slot.fingerprint = fingerprint;
      const serving = slot.held !== undefined;
      slot.state = serving ? "ready" : "failed";
      slot.reason = serving ? `a changed copy was refused, the previous one serves: ${text}` : text;
      ctx.report.failed.push({ id, version: slot.version, message: text });
      emit({ type: "failed", id, version: slot.version, message: text, serving });
    }
  }

  async function reconcileModel(id: string, present: boolean, ctx: Pass): Promise<void> {
    const slots = models.get(id) ?? new Map<number, Slot>();
    models.set(id, slots);
    let folders: VersionFolder[] = [];
    if (present) {
      try {
        folders = source.versions ? await source.versions(id) : [{ version: 1, dir: "" }];
      } catch (error) {
        ctx.report.errors.push({ id, message: `Cannot list versions: ${message(error)}` });
        return; // every version keeps its state until the source answers
      }
    }
    const onSource = new Set(folders.map((f) => f.version));
    for (const slot of slots.values()) {
      if (!onSource.has(slot.version)) retire(id, slot, ctx.report);
    }
    const pinned = options.defaults[id];
    let ready = 0;
    for (const folder of [...folders].sort((a, b) => b.version - a.version)) {
      if (closed) return;
      const outside = ready >= options.keep && folder.version !== pinned;
      let slot = slots.get(folder.version);
      // A version first seen outside the kept ones is listed as retired without being loaded.
      const state = outside ? "retired" : "loading";
      if (!slot) slots.set(folder.version, slot = { version: folder.version, dir: "", state });
      slot.dir = folder.dir;
      if (outside) {
        retire(id, slot, ctx.report);
        continue;
      }
      await refresh(id, slot, folder, ctx);
      if (slot.held) ready++;
    }
  }

  type Pass = { retryFailed: boolean; report: ReloadReport };

  const slotOf = (id: string, version?: number) =>
    servingSlot(models.get(id), { version, pinned: options.defaults[id] });

  return {
    ids: () => listed.filter((id) => [...models.get(id)?.values() ?? []].length > 0),
    defaults() {
      const out: LoadedModel[] = [];
      for (const id of [...models.keys()].sort()) {
        const slot = defaultSlot(models.get(id)!, options.defaults[id]);
        if (slot?.held) out.push(slot.held.model);
      }
      return out;
    },
    get(id, version) {
      const slot = slotOf(id, version);
      return "miss" in slot ? undefined : slot.held!.model;
    },
    status(id) {
      const slots = models.get(id);
      return slots && slots.size > 0 ? slotStatus(slots, options.defaults[id]) : undefined;
    },
    acquire(id, version) {
      const slot = slotOf(id, version);
      return "miss" in slot ? slot : slot.held!.acquire();
    },
    errors() {
      const out: { id: string; version?: number; message: string }[] = [...sourceErrors];
      for (const id of [...models.keys()].sort()) {
        for (const slot of [...models.get(id)!.values()].sort((a, b) => a.version - b.version)) {
          if (slot.state === "failed") {
            out.push({ id, version: slot.version, message: slot.reason ?? "failed to load" });
          }
        }
      }
      return out;
    },
    async reconcile({ retryFailed }) {
      const ctx: Pass = {
        retryFailed,
        report: { loaded: [], failed: [], retired: [], errors: [] },
      };
      if (closed) return ctx.report;
      let ids: string[] | undefined;
      try {
        ids = [...await source.list()].sort();
      } catch (error) {
        // Nothing is retired on a failed listing: what serves keeps serving.
        ctx.report.errors.push({ id: "*", message: `Cannot list models: ${message(error)}` });
      }
      if (ids) {
        listed = ids;
        const present = new Set(ids);
        for (const id of new Set([...ids, ...models.keys()])) {
          await reconcileModel(id, present.has(id), ctx);
        }
      }
      sourceErrors = ctx.report.errors;
      return ctx.report;
    },
    async close() {
      closed = true;
      const all = [...live];
      live.clear();
      for (const slots of models.values()) {
        for (const slot of slots.values()) slot.held = undefined;
      }
      models.clear();
      await Promise.all(all.map((held) => held.close()));
    },
  };
}
