import assert from "node:assert/strict";
import { sha256HexSync } from "./sha256.ts";
import { sha256Hex } from "./hash.ts";

Deno.test("sha256HexSync() matches the FIPS 180-4 examples", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  assert.equal(
    sha256HexSync(text("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    sha256HexSync(text("")),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(
    sha256HexSync(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
});

Deno.test("sha256HexSync() matches Web Crypto for every length across block edges", async () => {
  for (let length = 0; length <= 300; length++) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + length * 7) & 0xff);
    assert.equal(sha256HexSync(bytes), await sha256Hex(bytes), `length ${length}`);
  }
});
