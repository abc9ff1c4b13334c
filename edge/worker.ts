/**
 * Cloudflare Workers entry: {@linkcode startService} over models bundled as Data modules, with
 * the tfjs-backend-wasm binary imported as a compiled `WebAssembly.Module` (Workers cannot
 * compile WebAssembly from bytes and have no native addons, so only the WASM runtime is offered
 * to `resolveBackend`). No `Deno.*`, no `node:`.
 *
 * `scripts/build_worker.ts` generates the module that imports the binary and the model files
 * and calls {@linkcode createWorker}; the result is `export default { fetch }`.
 *
 * Configuration comes from the Worker's environment (vars and secrets), with the names of
 * `edge/config.ts`; `DRS_SIGNING_KEYS` is required (an ephemeral key would differ per isolate,
 * so signed URLs would not verify). The generated module passes the environment in at module
 * evaluation (`import { env } from "cloudflare:workers"`), so the models load while the isolate
 * starts; without it the service starts on the first request, with that request's `env`.
 *
 * @module
 */

import { z } from "zod";
import { BACKEND_FILES } from "../backends/mod.ts";
import { openWasmBackend } from "../backends/tfjs_wasm.ts";
import { configuredKeys } from "./keys.ts";
import { configFromEnv } from "./config.ts";
import { errorResponse, NOT_STARTED } from "./errors.ts";
import { type EmbeddedFiles, embeddedModelSource } from "./sources/embedded.ts";
import { type Service, startService } from "./start.ts";

// Workers forbid `new Function`: keep zod from trying its JIT.
z.config({ jitless: true });

/** What the build bundles: the compiled WASM binary and the model files. */
export interface WorkerBundle {
  /** `tfjs-backend-wasm-simd.wasm` imported as a module (a `CompiledWasm` module). */
  wasmModule: WebAssembly.Module;
  /** `<id>/<path>` -> bytes: each model's `manifest.json` and its `tfjs/` files. */
  files: EmbeddedFiles;
}

/** A module Worker's default export. */
export interface WorkerHandler {
  fetch(request: Request, env?: Record<string, unknown>): Promise<Response>;
}

function stringsOf(env: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === "string") out[key] = value;
  return out;
}

async function build(bundle: WorkerBundle, rawEnv: Record<string, unknown>): Promise<Service> {
  // Workers run only the WASM runtime: it is the default here (`auto` would try onnx first).
  const config = {
    ...configFromEnv({
      DRS_BACKEND: "wasm",
      // Cloudflare names the client in this header; the connection is the edge's own.
      DRS_CLIENT_IP_HEADER: "cf-connecting-ip",
      // The clock stands still while a request computes, so an image model's call cost is
      // assumed, and the plan bills CPU: the first round stays at the median of what is
      // needed (BENCHMARKS.md: 4 mnist proposals, not 6).
      DRS_FIRST_ROUND_Q: "0.5",
      ...stringsOf(rawEnv),
    }),
    // The bundle never changes under an isolate (a new version is a new deploy), and Workers
    // allow no timers outside a request: no polling.
    pollSeconds: undefined,
  };
  if (!config.signingKeys) {
    throw new RangeError(
      "Cannot start the Worker as 'DRS_SIGNING_KEYS' is not set: " +
        "add it as a secret (`wrangler secret put DRS_SIGNING_KEYS`, value kid:secret)",
    );
  }
  return startService(config, {
    source: embeddedModelSource(bundle.files),
    keys: await configuredKeys(config.signingKeys, config.verifyKeys),
    open: (name, init) =>
      name === "wasm"
        ? openWasmBackend(init, { wasmModule: bundle.wasmModule })
        : Promise.reject(new Error(`the '${name}' runtime is not available in Workers`)),
    files: BACKEND_FILES.wasm,
    // G+D in chunks of DRS_CHUNK proposals (same samples): bounds the WASM heap, which never
    // shrinks, under the isolate's 128 MB (one 8192-proposal MNIST batch grows it past that).
    chunked: true,
  });
}

/** Options for {@linkcode createWorker}. */
export interface CreateWorkerOptions {
  /**
   * The Worker's environment at module evaluation: the service (and model loading) starts at
   * once. @default {undefined} (started on the first request, with its `env`)
   */
  env?: Record<string, unknown>;
}

/** The Worker: one service per isolate, reused by every request. */
export function createWorker(
  bundle: WorkerBundle,
  options: CreateWorkerOptions = {},
): WorkerHandler {
  let service: Promise<Service> | undefined = options.env ? build(bundle, options.env) : undefined;
  service?.catch(() => {}); // answered as 503 not_ready by the first request, then retried
  return {
    async fetch(request, env = {}) {
      service ??= build(bundle, env);
      let started: Service;
      try {
        started = await service;
      } catch (error) {
        service = undefined; // Retried on the next request (a secret may have been added).
        // The reason is the operator's (the log), never every client's.
        console.error((error as Error).message);
        return errorResponse(503, { code: "not_ready", message: NOT_STARTED });
      }
      return await started.fetchWhenReady(request);
    },
  };
}
