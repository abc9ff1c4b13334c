/**
 * The README's quick start, run as written (a doc test): the `sh` block after `<!-- doc-test -->`
 * starts the real server with nothing configured, samples from it, signs a URL with `deno task
 * sign` and fetches it. Only the port (a free one instead of 8000), the tasks' config path and the
 * working directory (a temporary one, for the files it writes) change.
 */

import assert from "node:assert/strict";
import { freePort } from "../testing/workerd_process.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** The `sh` block after `<!-- doc-test -->` in README.md. */
async function quickStart(): Promise<string> {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const block = /<!-- doc-test -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, "README.md has the quick start block");
  return block;
}

Deno.test({
  name: "the README's quick start starts, samples, signs and fetches the signed URL as written",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const port = freePort();
    const script = (await quickStart())
      .replaceAll("localhost:8000", `localhost:${port}`)
      .replaceAll("npx -y deno@2.9.6 task", `npx -y deno@2.9.6 task --config ${ROOT}deno.json`);
    const dir = await Deno.makeTempDir({ prefix: "drs-readme-" });
    const env = { ...Deno.env.toObject(), PORT: String(port), NO_COLOR: "1" };
    delete (env as Record<string, string>).DRS_SIGNING_KEYS; // "nothing to set"
    // Its own process group, so the server the block starts in the background stops with it.
    const child = new Deno.Command("setsid", {
      args: ["bash", "-euo", "pipefail", "-c", script],
      cwd: dir,
      env,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const read = (stream: ReadableStream<Uint8Array>) => new Response(stream).text();
    // The server in the background keeps the pipes open: wait for the shell, then stop the group.
    const streams = Promise.all([read(child.stdout), read(child.stderr)]);
    const timer = setTimeout(() => Deno.kill(-child.pid, "SIGTERM"), 120_000);
    const out = await child.status;
    clearTimeout(timer);
    try {
      Deno.kill(-child.pid, "SIGTERM"); // the server
    } catch { /* already gone */ }
    const [text, err] = await streams;
    try {
      assert.equal(out.code, 0, `${text}\n${err}`);
      assert.match(text, /"samples":\[\[/, "the JSON samples");
      for (const file of ["digits.png", "signed.png"]) {
        const bytes = await Deno.readFile(`${dir}/${file}`);
        assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], `${file} is a PNG`);
      }
      assert.match(err, /development key/, "both commands say they use the development key");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
