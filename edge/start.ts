/**
 * The one start-up path: config + a model source -> registry (every model opened through
 * `resolveBackend`, so `DRS_BACKEND=auto` means "onnx, then wasm, per model" everywhere) -> app.
 * The Deno server (`main.ts`), Deno Deploy (`deploy.ts`) and Workers (`worker.ts`) differ only
 * in what they pass in: where models come from, how a runtime is opened, and how they serve.
 *
 * @module
 */

import type { Hono } from "hono";
import {
  type Backend,
  type BackendInit,
  type BackendName,
  openBackend,
  type OpenBackendOptions,
  resolveBackend,
} from "../backends/mod.ts";
import { batchingBackend } from "../backends/batching.ts";
import type { SigningKey } from "../shared/signing.ts";
import { type AppOptions, createApp } from "./app.ts";
import { appLimits, type ServerConfig } from "./config.ts";
import type { AppEnv } from "./deps.ts";
import { createRegistry, type ModelSource, type Registry, type RegistryEvent } from "./registry.ts";
import { createReloader, type Reloader } from "./reload.ts";

/** What an entry point hands to {@linkcode startService}. */
export interface ServiceOptions {
  /** Where model folders come from. */
  source: ModelSource;
  /** Keys that verify signed URLs; the first one signs. */
  keys: readonly SigningKey[];
  /**
   * Opens one named runtime (an inference thread opens it there; a Worker has wasm only).
   * @default {openBackend with `runtimes`}
   */
  open?: (name: BackendName, init: BackendInit) => Promise<Backend>;
  /** Options of the in-process runtimes (e.g. where the WASM binaries are). @default {{}} */
  runtimes?: OpenBackendOptions;
  /** Manifest files the registry reads (a Worker bundles only the wasm ones). @default {all} */
  files?: readonly string[];
  /**
   * Split rounds into chunks of `DRS_CHUNK` proposals: an inference thread to overlap, or a
   * WASM heap to bound. @default {false}
   */
  chunked?: boolean;
  /**
   * Refuse a version whose load takes longer than `DRS_LOAD_TIMEOUT_S` (a timer: Deno only;
   * Workers allow none outside a request). @default {false}
   */
  loadTimeouts?: boolean;
  /** Why the runtime cannot serve now (an inference thread restarting), for `/readyz`. */
  runtimeProblem?: AppOptions["runtimeProblem"];
  /** Where start-up messages go. @default {console} */
  log?: Pick<Console, "log" | "warn" | "error">;
}

/** A service: its app, its registry, and when its models are in. */
export interface Service {
  app: Hono<AppEnv>;
  registry: Registry;
  /** Reloads the models (`SIGHUP`, `POST /v1/admin/reload`, polls every `DRS_MODELS_POLL_S`). */
  reloader: Reloader;
  /** Resolves once every model is loaded or refused (never rejects). */
  ready: Promise<void>;
  /** `app.fetch` once `ready`: a serverless cold start's first requests wait for the models. */
  fetchWhenReady(request: Request): Promise<Response>;
  /** Stops polling and disposes every model. */
  close(): Promise<void>;
}

function logEvent(log: Pick<Console, "log" | "warn" | "error">, event: RegistryEvent): void {
  const which = `model '${event.id}' version ${event.version}`;
  if (event.type === "failed") {
    const still = event.serving ? " (its previous copy keeps serving)" : "";
    log.error(`Refusing ${which}${still}: ${event.message}`);
  } else if (event.type === "disposed") {
    if (event.error) log.warn(`Disposing ${which} failed: ${event.error}`);
    else log.log(`Disposed ${which}: retired and its last request done`);
  }
}

/** Builds the registry and the app from `config`, and starts loading the models. */
export function startService(config: ServerConfig, options: ServiceOptions): Service {
  const log = options.log ?? console;
  const direct = options.open ?? ((name, init) => openBackend(name, init, options.runtimes));
  // Concurrent requests' calls for one version merge while its backend is busy (DRS_BATCH_ROWS).
  const open = config.batchRows > 0
    ? async (name: BackendName, init: BackendInit) =>
      batchingBackend(await direct(name, init), init, { maxRows: config.batchRows })
    : direct;
  const fellBack = new Set<string>();
  const registry = createRegistry(
    options.source,
    (init) =>
      resolveBackend(config.backend, init, {
        open,
        onFallback(name, error) {
          // Once per runtime and reason: an unavailable runtime fails the same way for every model.
          const line = `${name} cannot open models here, trying the next backend: ${error.message}`;
          if (!fellBack.has(line)) log.warn(line);
          fellBack.add(line);
        },
      }),
    {
      files: options.files,
      measureCallCost: config.roundSizing === "cost",
      ...(options.loadTimeouts ? { loadTimeoutMs: config.loadTimeoutSeconds * 1000 } : {}),
      keep: config.keepVersions,
      defaults: config.defaultVersions,
      onEvent: (event) => logEvent(log, event),
    },
  );
  const started = performance.now();
  const ready = registry.load().then((report) => {
    for (const e of report.errors) log.error(`Refusing model '${e.id}': ${e.message}`);
    const loaded = registry.ids().flatMap((id) =>
      (registry.versions(id) ?? []).filter((v) => v.state === "ready").map((v) =>
        `${id} v${v.version} (${v.backend})`
      )
    );
    const from = options.source.label ? ` from '${options.source.label}'` : "";
    log.log(
      `Loaded ${registry.models().length} model(s)${from} in ` +
        `${Math.round(performance.now() - started)} ms: ${loaded.join(", ") || "none"}`,
    );
  });
  // A poll while the first load runs waits for it (one pass at a time).
  const reloader = createReloader(registry, { pollSeconds: config.pollSeconds, log });
  const app = createApp({
    registry,
    keys: options.keys,
    adminToken: config.adminToken,
    limits: appLimits(config, { chunked: options.chunked }),
    security: {
      unsigned: config.unsigned,
      demo: config.demo,
      maxTtlSeconds: config.maxTtlSeconds,
      clientHeader: config.clientHeader,
      bindHost: config.bindHost,
      perClient: config.perClient,
    },
    reload: () => reloader.reload("admin"),
    runtimeProblem: options.runtimeProblem,
  });
  return {
    app,
    registry,
    reloader,
    ready,
    fetchWhenReady: async (request) => (await ready, await app.fetch(request)),
    async close() {
      reloader.stop();
      await registry.dispose();
    },
  };
}
