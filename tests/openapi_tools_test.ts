/**
 * The OpenAPI document as two widely used third-party tools read it (both from the npm registry,
 * pinned): `@redocly/cli lint` with its recommended rules finds no error, and Prism's validating
 * proxy (`@stoplight/prism-cli proxy --errors`) in front of the real server lets every request of
 * the HTTP contract suite through, `class=` included: a request or an answer that broke the
 * document would come back as Prism's error instead of the server's answer.
 */

import assert from "node:assert/strict";
import { importSigningKey } from "../shared/signing.ts";
import { checkContract, signedPaths } from "../testing/contract.ts";
import { modelsFolder } from "../testing/models_folder.ts";
import { startServer } from "../testing/server_process.ts";
import { freePort } from "../testing/workerd_process.ts";

const REDOCLY = "@redocly/cli@2.77.0";
const PRISM = "@stoplight/prism-cli@5.16.0";
const SECRET = "openapi-tools-secret-0123456789abcdefghij";
const ADMIN = "openapi-tools-admin-token-0123456789abcdef";

async function npx(args: string[], cwd: string) {
  return await new Deno.Command("npx", {
    args: ["-y", ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
}

/** npx runs Prism in a node process of its own: stop it by its command line (its port). */
async function stopPrism(port: number): Promise<void> {
  await new Deno.Command("pkill", { args: ["-f", `prism proxy .*--port ${port}`] }).output();
}

Deno.test({
  name: "redocly lint finds no error; Prism's validating proxy passes the contract suite",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // The contract expects the one model it checks: mnist (class-conditional, so `class=` too).
    const models = await modelsFolder("mnist");
    const server = await startServer({
      env: { DRS_SIGNING_KEYS: `k1:${SECRET}`, DRS_ADMIN_TOKEN: ADMIN, DRS_MODELS_DIR: models.dir },
    });
    const dir = await Deno.makeTempDir({ prefix: "drs-openapi-tools-" });
    let prism: Deno.ChildProcess | undefined;
    const port = freePort();
    try {
      const doc = await (await fetch(`${server.origin}/openapi.json`)).text();
      await Deno.writeTextFile(`${dir}/openapi.json`, doc);
      const lint = await npx([REDOCLY, "lint", "openapi.json", "--format=stylish"], dir);
      const report = new TextDecoder().decode(lint.stdout) + new TextDecoder().decode(lint.stderr);
      assert.equal(lint.code, 0, report);
      assert.doesNotMatch(report, /\berror\b/i, report);

      prism = new Deno.Command("npx", {
        args: [
          "-y",
          PRISM,
          "proxy",
          "openapi.json",
          server.origin,
          "--errors",
          "--port",
          `${port}`,
        ],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const log: string[] = [];
      const collect = async (stream: ReadableStream<Uint8Array>) => {
        for await (const chunk of stream.pipeThrough(new TextDecoderStream())) log.push(chunk);
      };
      const collected = Promise.all([collect(prism.stdout), collect(prism.stderr)]);
      const origin = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 240; i++) {
        const up = await fetch(`${origin}/healthz`).then(
          (r) => r.body?.cancel().then(() => r.ok),
          () => false,
        );
        if (up) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      // The contract suite against the server directly, every request recorded; then each
      // replayed through Prism, which must answer as the server did (Prism re-encodes binary
      // bodies as text, so PNG bytes are compared directly only).
      const key = await importSigningKey("k1", SECRET);
      const recorded: { url: string; init: RequestInit; status: number }[] = [];
      const realFetch = globalThis.fetch;
      globalThis.fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
        const res = await realFetch(input, init);
        recorded.push({ url: String(input), init, status: res.status });
        return res;
      };
      try {
        await checkContract(server.origin, {
          model: models.id,
          kind: models.kind,
          key,
          adminToken: ADMIN,
          backend: "onnx",
          signed: await signedPaths({ model: models.id, key }),
        });
      } finally {
        globalThis.fetch = realFetch;
      }
      assert.ok(recorded.length > 20, `${recorded.length} requests`);
      assert.ok(recorded.some((r) => r.url.includes("class=")), "class= is in the suite");
      for (const r of recorded) {
        const via = r.url.replace(server.origin, origin);
        const res = await fetch(via, r.init);
        const answer = res.status === 422 ? await res.text() : (await res.body?.cancel(), "");
        // A request the server refuses may be refused by Prism first (422: the document says it
        // is invalid too); every other answer must come through as the server gave it.
        const same = res.status === r.status ||
          (r.status >= 400 && r.status < 500 && res.status === 422);
        assert.ok(
          same,
          `${
            r.init.method ?? "GET"
          } ${via} through Prism: ${res.status} ${answer}, server ${r.status}`,
        );
      }
      await stopPrism(port);
      await prism.status;
      await collected;
      const text = log.join("");
      assert.doesNotMatch(text, /violation/i, text.slice(-3000));
    } finally {
      if (prism) await stopPrism(port);
      await server.stop();
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(models.dir, { recursive: true });
    }
  },
});
