/**
 * Deno entry point: env -> config -> registry -> Deno.serve. `deno task start`.
 *
 * Serves at once (GET /readyz is 503 until the models are loaded), then loads every model
 * folder under DRS_MODELS_DIR, verifying hashes; a corrupt model is logged and refused.
 *
 * @module
 */

import { parseSigningKeys, type SigningKey } from "../shared/signing.ts";
import { createApp } from "./app.ts";
import type { BackendName } from "../backends/mod.ts";
import { openBackend, pickBackendName } from "../backends/open.ts";
import { createInferenceThread } from "./inference_thread/mod.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { appLimits, configFromEnv, type ServerConfig } from "./config.ts";
import { fsModelSource } from "./fs_source.ts";
import { createRegistry } from "./registry.ts";
import { createWorkerDraws } from "./worker_draws.ts";

async function signingKeys(config: ServerConfig): Promise<SigningKey[]> {
  if (config.signingKeys) return await parseSigningKeys(config.signingKeys);
  const secret = crypto.getRandomValues(new Uint8Array(32));
  // The kid is public (every signed URL carries it): random bytes of its own, not the secret's.
  const kid = `dev-${
    Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, "0"))
      .join("")
  }`;
  const text = btoa(String.fromCharCode(...secret));
  console.warn(
    `DRS_SIGNING_KEYS is not set: using an ephemeral key '${kid}' for this process ` +
      "(signed URLs stop verifying when it exits; set DRS_SIGNING_KEYS=kid:secret in production)",
  );
  return await parseSigningKeys(`${kid}:${text}`);
}

async function main(): Promise<void> {
  const config = configFromEnv(Deno.env.toObject());
  const keys = await signingKeys(config);
  const backendName: BackendName = config.backend === "auto"
    ? await pickBackendName()
    : config.backend;
  const openOptions = { wasm: { wasmPaths: denoWasmPaths() } };
  const thread = config.inferenceThread ? createInferenceThread() : undefined;
  const registry = createRegistry(
    fsModelSource(config.modelsDir),
    (init) =>
      thread
        ? thread.open(backendName, init, openOptions)
        : openBackend(backendName, init, openOptions),
  );
  const worker = config.drawWorker ? createWorkerDraws() : undefined;
  const app = createApp({
    registry,
    keys,
    adminToken: config.adminToken,
    limits: appLimits(config, { chunked: !!(thread || worker), draws: worker?.draws }),
  });
  const server = Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen: ({ hostname, port }) => {
      console.log(
        `drs-edge listening on http://${hostname}:${port}/ (backend ${backendName}` +
          `${thread ? " on an inference thread" : ""})`,
      );
    },
  }, app.fetch);
  const started = performance.now();
  await registry.load();
  for (const e of registry.errors()) console.error(`Refusing model '${e.id}': ${e.message}`);
  const ids = registry.models().map((m) => m.id);
  console.log(
    `Loaded ${ids.length} model(s) from '${config.modelsDir}' in ${
      Math.round(performance.now() - started)
    } ms: ${ids.join(", ") || "none"}`,
  );
  const stop = async () => {
    await server.shutdown();
    await registry.dispose();
    thread?.close();
    worker?.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
