/**
 * Cloudflare Workers entry: the same Hono app as `edge/main.ts`, over models bundled as Data
 * modules and the tfjs-backend-wasm binary imported as a compiled `WebAssembly.Module`
 * (Workers cannot compile WebAssembly from bytes). No `Deno.*`, no `node:`.
 *
 * `scripts/build_worker.ts` generates the module that imports the binary and the model files
 * and calls {@linkcode createWorker}; the result is `export default { fetch }`.
 *
 * Configuration comes from the Worker's environment (vars and secrets), with the names of
 * `edge/config.ts`; `DRS_SIGNING_KEYS` is required (an ephemeral key would differ per isolate,
 * so signed URLs would not verify). The app is built on the first request of an isolate.
 *
 * @module
 */

import { z } from "zod";
import { parseSigningKeys } from "../shared/signing.ts";
import { createApp } from "./app.ts";
import { BACKEND_FILES } from "../backends/mod.ts";
import { openWasmBackend } from "../backends/tfjs_wasm.ts";
import { appLimits, configFromEnv } from "./config.ts";
import { errorResponse } from "./errors.ts";
import { createRegistry, type Registry } from "./registry.ts";
import { type EmbeddedFiles, embeddedModelSource } from "./sources/embedded.ts";

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

type Fetch = (request: Request) => Response | Promise<Response>;

function stringsOf(env: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === "string") out[key] = value;
  return out;
}

/** Opens the bundled models on the WASM backend (needs no env: started as early as possible). */
function loadModels(bundle: WorkerBundle): Promise<Registry> {
  const registry = createRegistry(
    embeddedModelSource(bundle.files),
    (init) => openWasmBackend(init, { wasmModule: bundle.wasmModule }),
    { files: BACKEND_FILES.wasm },
  );
  return registry.load().then(() => {
    for (const e of registry.errors()) console.error(`Refusing model '${e.id}': ${e.message}`);
    return registry;
  });
}

async function buildApp(
  models: Promise<Registry>,
  rawEnv: Record<string, unknown>,
): Promise<Fetch> {
  const config = configFromEnv(stringsOf(rawEnv));
  if (!config.signingKeys) {
    throw new RangeError(
      "Cannot start the Worker as 'DRS_SIGNING_KEYS' is not set: " +
        "add it as a secret (`wrangler secret put DRS_SIGNING_KEYS`, value kid:secret)",
    );
  }
  const keys = await parseSigningKeys(config.signingKeys);
  const app = createApp({
    registry: await models,
    keys,
    adminToken: config.adminToken,
    // G+D in chunks of DRS_CHUNK proposals (same samples): bounds the WASM heap, which never
    // shrinks, under the isolate's 128 MB (one 8192-proposal MNIST batch grows it past that).
    limits: appLimits(config, { chunked: true }),
  });
  return app.fetch;
}

/**
 * The Worker. Model loading (WASM instantiation, hashes, TF.js models) starts when the module is
 * evaluated, so it overlaps the isolate's start-up; the app is built on the first request, when
 * the environment (secrets) is known, and serves every request after it.
 */
export function createWorker(bundle: WorkerBundle): WorkerHandler {
  const models = loadModels(bundle);
  let app: Promise<Fetch> | undefined;
  return {
    async fetch(request, env = {}) {
      app ??= buildApp(models, env);
      let handler: Fetch;
      try {
        handler = await app;
      } catch (error) {
        app = undefined; // Retried on the next request (a secret may have been added).
        return errorResponse(503, { code: "not_ready", message: (error as Error).message });
      }
      return await handler(request);
    },
  };
}
