/**
 * Deno entry point: env -> config -> {@linkcode startService} -> Deno.serve. `deno task start`.
 *
 * Serves at once (GET /readyz is 503 until the models are loaded) while every model version under
 * DRS_MODELS_DIR loads, hashes verified; a corrupt version is logged and refused. `SIGHUP` (like
 * `POST /v1/admin/reload`, and a poll every `DRS_MODELS_POLL_S` seconds when set) loads new and
 * changed versions while the current ones serve.
 *
 * @module
 */

import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { parseSigningKeys, type SigningKey } from "../shared/signing.ts";
import { configuredKeys } from "./keys.ts";
import { configFromEnv, type ServerConfig } from "./config.ts";
import { DEV_KEY_FILE, devSigningKeys } from "./dev_key.ts";
import { fsModelSource } from "./fs_source.ts";
import { createInferenceThread, threadProblem } from "./inference_thread/mod.ts";
import { startService } from "./start.ts";

async function signingKeys(config: ServerConfig): Promise<SigningKey[]> {
  if (config.signingKeys) return await configuredKeys(config.signingKeys, config.verifyKeys);
  const spec = await devSigningKeys();
  console.warn(
    `DRS_SIGNING_KEYS is not set: signing with the development key '${spec.split(":")[0]}' in ` +
      `${DEV_KEY_FILE} (shared with 'deno task sign'; set DRS_SIGNING_KEYS=kid:secret in production)`,
  );
  return await parseSigningKeys(spec);
}

async function main(): Promise<void> {
  const config = configFromEnv(Deno.env.toObject());
  const runtimes = {
    wasm: { wasmPaths: denoWasmPaths() },
    onnx: { intraOpThreads: config.intraOpThreads },
  };
  const thread = config.inferenceThread
    ? createInferenceThread({
      jobTimeoutSeconds: config.jobTimeoutSeconds,
      maxWaiting: config.inferenceQueue,
    })
    : undefined;
  const service = startService(config, {
    source: fsModelSource(config.modelsDir),
    keys: await signingKeys(config),
    runtimes,
    open: thread && ((name, init) => thread.open(name, init, runtimes)),
    chunked: thread !== undefined,
    loadTimeouts: true,
    runtimeProblem: thread && (() => threadProblem(thread)),
  });
  const server = Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen: ({ hostname, port }) => {
      console.log(
        `drs-edge listening on http://${hostname}:${port}/ (backend ${config.backend}` +
          `${thread ? ", G+D on an inference thread" : ""})`,
      );
    },
  }, (request, info) =>
    // The connection's address keys per-client fairness (unless DRS_CLIENT_IP_HEADER names a
    // trusted proxy's header).
    service.app.fetch(request, { remoteAddr: (info.remoteAddr as Deno.NetAddr).hostname }));
  const stop = async () => {
    await server.shutdown();
    await service.close();
    thread?.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGHUP", () => void service.reloader.reload("signal"));
  await service.ready;
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
