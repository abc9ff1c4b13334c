/**
 * The registry's table of model versions: what each request is served, what `/v1/models` lists,
 * and the passes that bring the table in line with the source (`reconcile.ts`). Every version
 * loaded is held here until it is disposed, so a shutdown closes them all.
 *
 * @module
 */

import type { VersionFolder } from "../../shared/model_versions.ts";
import type { LoadedModel, ModelSource, RegistryEvent } from "../model_types.ts";
import { type Held, holdModel, type Lease } from "./held.ts";
import { type PassContext, reconcileModel } from "./reconcile.ts";
import {
  defaultSlot,
  type ModelSlots,
  type ReloadReport,
  servingSlot,
  slotStatus,
  type VersionMiss,
  type VersionStatus,
} from "./slots.ts";

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
  const pass = (retryFailed: boolean): PassContext => ({
    source,
    load: options.load,
    files: options.files,
    keep: options.keep,
    defaults: options.defaults,
    slots(id) {
      const slots = models.get(id) ?? new Map();
      models.set(id, slots);
      return slots;
    },
    hold,
    release,
    emit,
    closed: () => closed,
    retryFailed,
    report: { loaded: [], failed: [], retired: [], errors: [] },
  });

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
      const ctx = pass(retryFailed);
      if (closed) return ctx.report;
      let ids: string[] | undefined;
      try {
        ids = [...await source.list()].sort();
      } catch (error) {
        // Nothing is retired on a failed listing: what serves keeps serving.
        const text = (error as Error)?.message ?? String(error);
        ctx.report.errors.push({ id: "*", message: `Cannot list models: ${text}` });
      }
      if (ids) {
        listed = ids;
        const present = new Set(ids);
        for (const id of new Set([...ids, ...models.keys()])) {
          await reconcileModel(ctx, { id, present: present.has(id) });
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
