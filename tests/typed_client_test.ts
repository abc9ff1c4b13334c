/**
 * The typed client call shown in docs/serving.md ("From TypeScript"), taken from it as written:
 * type-checked against `AppType` (`deno run --check`) and run against the real server, so the
 * example breaks this test when the API or its types change.
 */

import assert from "node:assert/strict";
import { startServer } from "../testing/server_process.ts";

const ROOT = new URL("../", import.meta.url);

/** The `ts` block after `<!-- typed-client -->` in docs/serving.md. */
async function readmeExample(): Promise<string> {
  const readme = await Deno.readTextFile(new URL("docs/serving.md", ROOT));
  const block = /<!-- typed-client -->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, "docs/serving.md has the typed client example");
  return block;
}

Deno.test({
  name: "docs/serving.md's hc<AppType>() call type-checks and samples from the real server",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const example = await readmeExample();
    assert.match(example, /hc<AppType>\("http:\/\/localhost:8000"\)/);
    const server = await startServer({ env: { DRS_MODELS_DIR: "models", DRS_BACKEND: "onnx" } });
    const dir = await Deno.makeTempDir({ prefix: "drs_typed_client_" });
    try {
      // The same code, aimed at this server, importing the app's type from this checkout.
      const file = `${dir}/example.ts`;
      await Deno.writeTextFile(
        file,
        example.replace("http://localhost:8000", server.origin)
          .replace('"./edge/app.ts"', JSON.stringify(new URL("edge/app.ts", ROOT).href)),
      );
      const run = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--check", "--config", new URL("deno.json", ROOT).pathname, "-A", file],
        cwd: ROOT,
      }).output();
      const out = new TextDecoder().decode(run.stdout);
      assert.equal(run.code, 0, `${out}${new TextDecoder().decode(run.stderr)}`);
      assert.match(out, /^4 samples, acceptance 0\.\d{3}$/m);
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
