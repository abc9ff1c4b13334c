/**
 * Deno Deploy entry (also `deno serve edge/deploy.ts` anywhere): the app of `edge/main.ts` as
 * `export default { fetch }`, configured from the environment, models read from the deployed
 * `models/` folder. `DRS_BACKEND=auto` (default) opens each model on onnxruntime-node and falls
 * back to the TF.js WASM backend when native addons are unavailable (no `--allow-ffi`, no
 * prebuilt binary for the platform) or the ONNX session cannot be created.
 *
 * Differences from `edge/main.ts`: `DRS_SIGNING_KEYS` is required (isolates in several regions
 * must verify each other's URLs), the draw worker is off unless `DRS_DRAW_WORKER=1`, and the
 * listening address is the platform's.
 *
 * @module
 */

import { parseSigningKeys } from "../shared/signing.ts";
import { createApp } from "./app.ts";
import type { Backend, BackendInit } from "../backends/mod.ts";
import { openBackend, pickBackendName } from "../backends/open.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { appLimits, type BackendChoice, configFromEnv } from "./config.ts";
import { errorResponse } from "./errors.ts";
import { fsModelSource } from "./fs_source.ts";
import { createRegistry } from "./registry.ts";
import { createWorkerDraws } from "./worker_draws.ts";

type Fetch = (request: Request) => Response | Promise<Response>;

/** Opens on the chosen backend; `auto` tries ONNX first and falls back to WASM. */
async function openWithFallback(choice: BackendChoice, init: BackendInit): Promise<Backend> {
  const wasm = () => openBackend("wasm", init, { wasm: { wasmPaths: denoWasmPaths() } });
  if (choice === "wasm") return await wasm();
  if (choice === "onnx") return await openBackend("onnx", init);
  if (await pickBackendName() === "onnx") {
    try {
      return await openBackend("onnx", init);
    } catch (error) {
      console.warn(`ONNX Runtime cannot open the model, using wasm: ${(error as Error).message}`);
    }
  }
  return await wasm();
}

async function buildApp(env: Record<string, string>): Promise<Fetch> {
  const config = configFromEnv({
    DRS_MODELS_DIR: new URL("../models", import.meta.url).pathname,
    DRS_DRAW_WORKER: "0",
    ...env,
  });
  if (!config.signingKeys) {
    throw new RangeError(
      "Cannot start as 'DRS_SIGNING_KEYS' is not set: add it to the deployment's environment " +
        "variables (kid:secret)",
    );
  }
  const keys = await parseSigningKeys(config.signingKeys);
  const registry = createRegistry(
    fsModelSource(config.modelsDir),
    (init) => openWithFallback(config.backend, init),
  );
  const started = performance.now();
  await registry.load();
  for (const e of registry.errors()) console.error(`Refusing model '${e.id}': ${e.message}`);
  const loaded = registry.models().map((m) => `${m.id} (${m.backend.name})`);
  console.log(
    `Loaded ${loaded.length} model(s) in ${Math.round(performance.now() - started)} ms: ` +
      (loaded.join(", ") || "none"),
  );
  const worker = config.drawWorker ? createWorkerDraws() : undefined;
  return createApp({
    registry,
    keys,
    adminToken: config.adminToken,
    limits: appLimits(config, { chunked: worker !== undefined, draws: worker?.draws }),
  }).fetch;
}

let app: Promise<Fetch> | undefined;

/** Builds the app on first use (models load once per isolate), then serves every request. */
export async function fetchHandler(request: Request): Promise<Response> {
  app ??= buildApp(Deno.env.toObject());
  let handler: Fetch;
  try {
    handler = await app;
  } catch (error) {
    app = undefined;
    return errorResponse(503, { code: "not_ready", message: (error as Error).message });
  }
  return await handler(request);
}

// Start loading at boot rather than on the first request.
if (import.meta.main) {
  app ??= buildApp(Deno.env.toObject());
  app.catch((error) => console.error((error as Error).message)); // Requests answer 503 and retry.
}

export default { fetch: fetchHandler } satisfies Deno.ServeDefaultExport;
