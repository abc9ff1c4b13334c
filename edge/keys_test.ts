import assert from "node:assert/strict";
import { signUrl, verifyUrl } from "../shared/signing.ts";
import { configuredKeys } from "./keys.ts";

const OLD = "old-secret-0123456789abcdefghijklmnopqrst";
const NEW = "new-secret-0123456789abcdefghijklmnopqrst";

Deno.test("configuredKeys() signs with the first key, verifies with verify-only keys, refuses repeats", async () => {
  const keys = await configuredKeys(`k1:${OLD}`, `k2:${NEW}`);
  assert.deepEqual(keys.map((k) => k.id), ["k1", "k2"]);
  // A URL the next phase signs with k2 verifies on an instance that only verifies k2 yet.
  const [k2] = await configuredKeys(`k2:${NEW}`);
  const url = await signUrl(new URL("https://e.example/v1/s/m.png?seed=1"), k2, {
    expiresAt: 2_000_000_000,
  });
  assert.equal((await verifyUrl(url, keys, { now: 1_900_000_000 })).ok, true);
  await assert.rejects(configuredKeys(`k1:${OLD}`, `k1:${NEW}`), /'k1' is in both/);
  await assert.rejects(configuredKeys(`k1:${OLD},k1:${NEW}`), /'k1' is repeated/);
});
