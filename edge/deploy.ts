/**
 * Deno Deploy entry (also `deno serve edge/deploy.ts` anywhere): {@linkcode startService} over
 * the deployed `models/` folder, configured from the environment, as `export default { fetch }`.
 * `DRS_BACKEND=auto` (default) opens each model on onnxruntime-node and falls back to the TF.js
 * WASM backend where native addons are unavailable (no `--allow-ffi`, no prebuilt binary for the
 * platform) or ONNX Runtime cannot open the model, as everywhere else.
 *
 * Differences from `edge/main.ts`: `DRS_SIGNING_KEYS` is required (isolates in several regions
 * must verify each other's URLs), G+D stay in-process, a request waits for the models, and the
 * listening address is the platform's.
 *
 * @module
 */

import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { configuredKeys } from "./keys.ts";
import { configFromEnv } from "./config.ts";
import { errorResponse, NOT_STARTED } from "./errors.ts";
import { fsModelSource } from "./fs_source.ts";
import { type Service, startService } from "./start.ts";

async function build(env: Record<string, string>): Promise<Service> {
  const config = {
    ...configFromEnv({ DRS_MODELS_DIR: new URL("../models", import.meta.url).pathname, ...env }),
    // The deployed source never changes under an isolate (a new version is a new deploy).
    pollSeconds: undefined,
  };
  if (!config.signingKeys) {
    throw new RangeError(
      "Cannot start as 'DRS_SIGNING_KEYS' is not set: add it to the deployment's environment " +
        "variables (kid:secret)",
    );
  }
  return startService(config, {
    source: fsModelSource(config.modelsDir),
    keys: await configuredKeys(config.signingKeys, config.verifyKeys),
    runtimes: { wasm: { wasmPaths: denoWasmPaths() } },
  });
}

let service: Promise<Service> | undefined;

/** Serves every request once the models are in (they load once per isolate, at boot). */
export async function fetchHandler(request: Request): Promise<Response> {
  service ??= build(Deno.env.toObject());
  let started: Service;
  try {
    started = await service;
  } catch (error) {
    service = undefined; // Retried on the next request (a variable may have been added).
    // The reason is the operator's (the log), never every client's.
    console.error((error as Error).message);
    return errorResponse(503, { code: "not_ready", message: NOT_STARTED });
  }
  return await started.fetchWhenReady(request);
}

// Start loading at boot rather than on the first request.
if (import.meta.main) {
  service ??= build(Deno.env.toObject());
  service.catch((error) => console.error((error as Error).message)); // Requests answer 503 and retry.
}

export default { fetch: fetchHandler } satisfies Deno.ServeDefaultExport;
