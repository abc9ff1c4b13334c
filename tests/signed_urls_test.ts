/**
 * The signed URL scheme of docs/signed_urls.md: the test vectors hold for the server's own code
 * (shared/signing.ts) and for the Python (standard library) and Node (`node:crypto`) minting
 * snippets; URLs the snippets mint are accepted by the running server, and one changed byte is
 * rejected.
 */

import assert from "node:assert/strict";
import { canonicalString, importSigningKey, signUrl, verifyUrl } from "../shared/signing.ts";
import { startServer } from "../testing/server_process.ts";

const ROOT = new URL("../", import.meta.url);
const VECTORS = new URL("docs/signed_urls/vectors.json", ROOT).pathname;
const SNIPPETS = {
  python: ["python3", new URL("docs/signed_urls/sign.py", ROOT).pathname],
  node: ["node", new URL("docs/signed_urls/sign.mjs", ROOT).pathname],
} as const;

interface Vector {
  name: string;
  key: { kid: string; secret: string };
  method: string;
  base: string;
  path: string;
  params: [string, string][];
  exp: number;
  canonical: string;
  sig: string;
  url: string;
}

const vectors: Vector[] = JSON.parse(await Deno.readTextFile(VECTORS)).cases;

async function run(command: readonly string[], args: string[]): Promise<string> {
  const out = await new Deno.Command(command[0], { args: [...command.slice(1), ...args] })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `${command[0]} ${args.join(" ")} failed:\n${text}`);
  return text;
}

Deno.test("signUrl() and verifyUrl() follow the test vectors of docs/signed_urls/vectors.json", async () => {
  assert.ok(vectors.length >= 5);
  for (const v of vectors) {
    const key = await importSigningKey(v.key.kid, v.key.secret);
    const url = new URL(v.path, v.base);
    for (const [name, value] of v.params) url.searchParams.append(name, value);
    const signed = await signUrl(url, key, { expiresAt: v.exp });
    assert.equal(signed.searchParams.get("sig"), v.sig, v.name);
    assert.equal(signed.href, v.url, `${v.name}: the one spelling`);
    assert.equal(canonicalString("GET", signed.pathname, signed.searchParams), v.canonical, v.name);
    const verdict = await verifyUrl(new URL(v.url), [key], { now: v.exp - 1 });
    assert.deepEqual(verdict, { ok: true, expiresAt: v.exp, kid: v.key.kid }, v.name);
  }
});

for (const [language, command] of Object.entries(SNIPPETS)) {
  Deno.test(`docs/signed_urls snippet in ${language} passes the test vectors`, async () => {
    const text = await run(command, ["--vectors", VECTORS]);
    assert.equal(text.match(/^ok /gm)?.length, vectors.length, text);
    assert.doesNotMatch(text, /FAIL/);
  });
}

Deno.test({
  name: "URLs minted by the Python and Node snippets are served; one changed byte is refused",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const secret = "snippet-test-secret-0123456789abcdefghij";
    const server = await startServer({
      env: { DRS_SIGNING_KEYS: `sk1:${secret}`, DRS_MODELS_DIR: "models" },
    });
    try {
      for (const [language, command] of Object.entries(SNIPPETS)) {
        const url = (await run(command, [
          "--base",
          server.origin,
          "--kid",
          "sk1",
          "--secret",
          secret,
          "--model",
          "grid25",
          "--seed",
          "11",
          "--n",
          "4",
          "--format",
          "json",
          "--param",
          "acceptance=0.4",
        ])).trim();
        const ok = await fetch(url);
        assert.equal(ok.status, 200, `${language}: ${url}`);
        assert.equal((await ok.json()).n, 4);
        // One byte changed: in a signed value, then in the signature itself.
        for (const tampered of [url.replace("seed=11", "seed=12"), flipLast(url)]) {
          const res = await fetch(tampered);
          assert.equal(res.status, 403, `${language}: ${tampered}`);
          assert.equal((await res.json()).error.code, "bad_signature");
        }
      }
    } finally {
      await server.stop();
    }
  },
});

/** The URL with the signature's last character changed (still base64url). */
function flipLast(url: string): string {
  const last = url.at(-1)!;
  return url.slice(0, -1) + (last === "A" ? "B" : "A");
}
