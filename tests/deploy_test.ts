/**
 * The Deno Deploy entry (`edge/deploy.ts`) run as the platform runs it, `deno serve`, on a free
 * loopback port: with every permission it opens the models on ONNX Runtime; without
 * `--allow-ffi` (native addons unavailable) it falls back to the WASM backend by itself. Both
 * pass the HTTP contract.
 */

import assert from "node:assert/strict";
import { parseSigningKeys } from "../shared/signing.ts";
import { spawnCollected } from "../testing/child_process.ts";
import { freePort } from "../testing/workerd_process.ts";
import { checkContract, signedPaths } from "../testing/contract.ts";
import { modelsFolder, shippedModels } from "../testing/models_folder.ts";

const ROOT = new URL("../", import.meta.url);
const SECRET = "deploy-test-secret-0123456789abcdefghijkl";
const ENV = {
  DRS_SIGNING_KEYS: `dk1:${SECRET}`,
  DRS_ADMIN_TOKEN: "deploy-test-admin-token-0123456789abcdef",
};

async function serve(
  permissions: readonly string[],
  env: Record<string, string>,
): Promise<{ origin: string; stop: () => Promise<string> }> {
  const port = freePort();
  const child = spawnCollected(
    new Deno.Command(Deno.execPath(), {
      args: [
        "serve",
        ...permissions,
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "edge/deploy.ts",
      ],
      cwd: ROOT,
      env,
      stdout: "piped",
      stderr: "piped",
    }),
  );
  const stop = () => child.stop();
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const status = await fetch(`${origin}/readyz`).then(async (res) => {
      await res.body?.cancel();
      return res.status;
    }, () => 0);
    if (status === 200) return { origin, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Cannot start edge/deploy.ts in time; output:\n${await stop()}`);
}

const cases = [
  { backend: "onnx", permissions: ["-A"] },
  { backend: "wasm", permissions: ["--allow-read", "--allow-env", "--allow-net"] },
] as const;

for (const { backend, permissions } of cases) {
  Deno.test({
    name: `fetchHandler() under deno serve ${permissions.join(" ")} serves on ${backend}`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const models = await modelsFolder((await shippedModels())[0]);
      const key = (await parseSigningKeys(ENV.DRS_SIGNING_KEYS))[0];
      const server = await serve(permissions, { ...ENV, DRS_MODELS_DIR: models.dir });
      let log = "";
      try {
        await checkContract(server.origin, {
          model: models.id,
          kind: models.kind,
          key,
          adminToken: ENV.DRS_ADMIN_TOKEN,
          backend,
          signed: await signedPaths({ model: models.id, key }),
        });
      } finally {
        log = await server.stop();
        await Deno.remove(models.dir, { recursive: true });
      }
      assert.match(
        log,
        new RegExp(
          `Loaded 1 model\\(s\\) from '.*' in \\d+ ms: ${models.id} v\\d+ \\(${backend}\\)`,
        ),
      );
      assert.doesNotMatch(log, new RegExp(SECRET), "the secret is never logged");
    },
  });
}

Deno.test({
  name: "fetchHandler() answers 503 not_ready while DRS_SIGNING_KEYS is unset",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const port = freePort();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["serve", "-A", "--host", "127.0.0.1", "--port", String(port), "edge/deploy.ts"],
      cwd: ROOT,
      clearEnv: true,
      env: { PATH: Deno.env.get("PATH") ?? "" },
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      let res: Response | undefined;
      for (let i = 0; i < 300 && !res; i++) {
        res = await fetch(`http://127.0.0.1:${port}/v1/models`).catch(() => undefined);
        if (!res) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(res, "edge/deploy.ts did not listen");
      assert.equal(res.status, 503);
      const body = await res.json();
      assert.equal(body.error.code, "not_ready");
      // Clients get a generic answer; the reason goes to the log (stderr).
      assert.doesNotMatch(body.error.message, /DRS_SIGNING_KEYS/);
      assert.match(body.error.message, /could not start/);
    } finally {
      child.kill("SIGTERM");
      await child.status;
    }
  },
});
