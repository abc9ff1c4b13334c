import assert from "node:assert/strict";
import { canonicalString, importSigningKey, parseSigningKeys, signUrl } from "./signing.ts";
import { createHmac } from "node:crypto";

// The same fixtures as signing_test.ts.
const SECRET = "test-secret-0123456789-abcdefghijklmnop"; // 39 bytes
const OLD_SECRET = "old-secret-zyxwvutsrqponmlkjihgfedcba-9876";
const EXP = 1_800_000_000 + 600;
const BASE = "https://edge.example/v1/models/grid25/samples?n=16&seed=42&format=png&note=a%20b";

Deno.test("parseSigningKeys() errors never include the secret", async () => {
  const short = "tooshort-secret";
  const cases: [string, string][] = [
    [
      `k1:${short}`,
      "Cannot import signing key 'k1' as its secret must be at least 32 bytes: it has 15",
    ],
    [SECRET, "Cannot parse signing keys as entry 1 must look like 'kid:secret'"],
    [`:${SECRET}`, "Cannot parse signing keys as entry 1 must look like 'kid:secret'"],
    [`k1:${SECRET},${OLD_SECRET}`, "entry 2 must look like 'kid:secret'"],
    [`bad id!:${SECRET}`, "its id must match [A-Za-z0-9_-]{1,32}"],
    ["", "Cannot parse signing keys as none were given"],
    [" , ,", "Cannot parse signing keys as none were given"],
  ];
  for (const [spec, message] of cases) {
    await assert.rejects(() => parseSigningKeys(spec), (error) => {
      assert.ok(error instanceof RangeError);
      assert.ok(error.message.includes(message), error.message);
      for (const secret of [SECRET, OLD_SECRET, short]) {
        assert.ok(!error.message.includes(secret), `leaks a secret: ${error.message}`);
      }
      return true;
    });
  }
});

Deno.test("parseSigningKeys() trims entries and keeps colons inside secrets", async () => {
  const keys = await parseSigningKeys(` a:${SECRET} ,b:x:${OLD_SECRET}, `);
  assert.deepEqual(keys.map((k) => k.id), ["a", "b"]);
  // b's secret is everything after the first colon, colons included.
  const url = await signUrl(new URL(BASE), keys[1], { expiresAt: EXP });
  const canonical = canonicalString("GET", url.pathname, url.searchParams);
  assert.deepEqual(
    url.searchParams.get("sig"),
    createHmac("sha256", `x:${OLD_SECRET}`).update(canonical).digest("base64url"),
  );
});

Deno.test("importSigningKey() rejects short secrets and bad ids", async () => {
  await assert.rejects(() => importSigningKey("k1", "x".repeat(31)), {
    name: "RangeError",
    message: "Cannot import signing key 'k1' as its secret must be at least 32 bytes: it has 31",
  });
  assert.equal((await importSigningKey("k1", "x".repeat(32))).id, "k1");
  // Bytes, not characters: 11 euro signs are 33 bytes of UTF-8.
  assert.equal((await importSigningKey("k1", "\u20ac".repeat(11))).id, "k1");
  await assert.rejects(() => importSigningKey("k1", "\u20ac".repeat(10)), {
    name: "RangeError",
    message: /it has 30/,
  });
  for (const id of ["", "a b", "k/1", "k".repeat(33), "k:1"]) {
    await assert.rejects(() => importSigningKey(id, SECRET), {
      name: "RangeError",
      message: /Cannot import signing key as its id must match \[A-Za-z0-9_-\]\{1,32\}/,
    });
  }
});

Deno.test("importSigningKey() never echoes a malformed id, which may hold part of a secret", async () => {
  await assert.rejects(
    () => parseSigningKeys(`half-of-a-secret-with spaces:${SECRET}`),
    (error) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /its id must match/);
      assert.equal(error.message.includes("half-of-a-secret"), false);
      return true;
    },
  );
});
