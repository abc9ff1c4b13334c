import assert from "node:assert/strict";
import {
  canonicalString,
  importSigningKey,
  parseSigningKeys,
  SIGNATURE_PARAMS,
  type SigningKey,
  signUrl,
  type VerifyResult,
  verifyUrl,
} from "./signing.ts";
import { createHmac } from "node:crypto";

const SECRET = "test-secret-0123456789-abcdefghijklmnop"; // 39 bytes
const OLD_SECRET = "old-secret-zyxwvutsrqponmlkjihgfedcba-9876";
const NOW = 1_800_000_000;
const EXP = NOW + 600;
const BASE = "https://edge.example/v1/models/grid25/samples?n=16&seed=42&format=png&note=a%20b";

async function signed(
  key?: SigningKey,
  url = BASE,
  expiresAt = EXP,
): Promise<{ key: SigningKey; url: URL }> {
  const k = key ?? await importSigningKey("k1", SECRET);
  return { key: k, url: await signUrl(new URL(url), k, { expiresAt }) };
}

function denied(result: VerifyResult, status: 403 | 410, code: string, includes?: string): void {
  if (result.ok) throw new Error(`expected ${status} ${code}, the URL verified`);
  assert.deepEqual([result.status, result.code], [status, code], result.message);
  if (includes) assert.ok(result.message.includes(includes), result.message);
}

Deno.test("signUrl() and verifyUrl() round-trip", async () => {
  const { key, url } = await signed();
  assert.equal(url.origin, "https://edge.example");
  assert.equal(url.pathname, "/v1/models/grid25/samples");
  assert.equal(url.searchParams.get("n"), "16");
  assert.equal(url.searchParams.get("note"), "a b");
  assert.deepEqual(url.searchParams.get("exp"), String(EXP));
  assert.equal(url.searchParams.get("kid"), "k1");
  assert.ok(/^[A-Za-z0-9_-]{43}$/.test(url.searchParams.get("sig")!));
  assert.deepEqual(await verifyUrl(url, [key], { now: NOW }), {
    ok: true,
    expiresAt: EXP,
    kid: "k1",
  });
  // Through text and back, as a client would send it.
  assert.equal((await verifyUrl(new URL(url.href), [key], { now: NOW })).ok, true);
  // Without `now`, the wall clock is used.
  const live = await signUrl(new URL(BASE), key, {
    expiresAt: Math.floor(Date.now() / 1000) + 60,
  });
  assert.equal((await verifyUrl(live, [key])).ok, true);
});

Deno.test("signUrl() signs HMAC-SHA256 over the documented canonical string", async () => {
  const { url } = await signed();
  const canonical = "GET\n/v1/models/grid25/samples\n" +
    `exp=${EXP}&format=png&kid=k1&n=16&note=a%20b&seed=42`;
  assert.deepEqual(canonicalString("GET", url.pathname, url.searchParams), canonical);
  // Independent HMAC (node:crypto), base64url without padding.
  const expected = createHmac("sha256", SECRET).update(canonical).digest("base64url");
  assert.deepEqual(url.searchParams.get("sig"), expected);
});

Deno.test("signUrl() replaces existing exp, kid and sig and validates expiresAt", async () => {
  const key = await importSigningKey("k1", SECRET);
  const stale = "https://edge.example/p?a=1&exp=5&kid=zz&sig=AAAA&exp=6";
  const url = await signUrl(new URL(stale), key, { expiresAt: EXP });
  assert.deepEqual(url.searchParams.getAll("exp"), [String(EXP)]);
  assert.deepEqual(url.searchParams.getAll("kid"), ["k1"]);
  assert.equal(url.searchParams.getAll("sig").length, 1);
  assert.equal((await verifyUrl(url, [key], { now: NOW })).ok, true);
  for (const expiresAt of [0, -1, 1.5, NaN, Infinity, 2 ** 53]) {
    await assert.rejects(() => signUrl(new URL(BASE), key, { expiresAt }), {
      name: "RangeError",
      message:
        `Cannot sign as 'expiresAt' must be positive unix seconds: current value is ${expiresAt}`,
    });
  }
});

/** What the server acts on: the path and the multiset of decoded query pairs. */
function sameRequest(a: URL, b: URL): boolean {
  const pairs = (u: URL) => JSON.stringify([...u.searchParams].sort());
  return a.pathname === b.pathname && pairs(a) === pairs(b);
}

Deno.test("verifyUrl() rejects every single-character change to the path and query (403)", async () => {
  const { key, url } = await signed();
  const href = url.href;
  // From the first character after the path's leading '/' (changing that '/' changes the host).
  const from = url.origin.length + 1;
  const alphabet = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i));
  let tried = 0, equivalent = 0;
  const accepted: string[] = [];
  for (let pos = from; pos < href.length; pos++) {
    for (const c of alphabet) {
      if (c === href[pos]) continue;
      const mutated = href.slice(0, pos) + c + href.slice(pos + 1);
      const target = URL.parse(mutated);
      if (target === null) continue; // not a URL at all: no request to verify
      if (sameRequest(target, url)) {
        // The only URL-parser equivalence here: '\' reads as '/' in an http path.
        assert.ok(c === "\\" && href[pos] === "/", `unexpected equivalent URL ${mutated}`);
        equivalent++;
        continue;
      }
      tried++;
      const result = await verifyUrl(target, [key], { now: NOW });
      if (result.ok || result.status !== 403) accepted.push(`${pos}:${c} ${mutated}`);
    }
  }
  assert.deepEqual(accepted, [], `${accepted.length} changed URLs were not rejected with 403`);
  assert.ok(tried > 100 * 90, `only ${tried} mutations tried`);
  assert.ok(equivalent < tried / 50, `${equivalent} equivalent of ${tried}`);
});

Deno.test("verifyUrl() rejects every other character in the last position of sig", async () => {
  // The last base64url character of a 32-byte MAC carries 4 bits; the 2 unused bits must not
  // give other spellings of the same signature.
  const { key, url } = await signed();
  const sig = url.searchParams.get("sig")!;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (const c of alphabet) {
    if (c === sig[42]) continue;
    const other = new URL(url.href);
    other.searchParams.set("sig", sig.slice(0, 42) + c);
    denied(await verifyUrl(other, [key], { now: NOW }), 403, "bad_signature");
  }
});

Deno.test("verifyUrl() answers 403 'unsigned' when sig, kid or exp is missing", async () => {
  const { key, url } = await signed();
  for (const p of SIGNATURE_PARAMS) {
    const stripped = new URL(url.href);
    stripped.searchParams.delete(p);
    denied(
      await verifyUrl(stripped, [key], { now: NOW }),
      403,
      "unsigned",
      `Cannot serve as the URL is not signed: '${p}' is missing`,
    );
  }
  denied(await verifyUrl(new URL(BASE), [key], { now: NOW }), 403, "unsigned");
});

Deno.test("verifyUrl() answers 403 for an unknown kid or a malformed sig", async () => {
  const other = await importSigningKey("k9", OLD_SECRET);
  const { key, url } = await signed(other);
  denied(
    await verifyUrl(url, [key.id === "k9" ? await importSigningKey("k1", SECRET) : key], {
      now: NOW,
    }),
    403,
    "unknown_key",
  );
  // A kid that exists but did not sign: the signature fails.
  const relabelled = new URL(url.href);
  relabelled.searchParams.set("kid", "k1");
  denied(
    await verifyUrl(relabelled, [await importSigningKey("k1", SECRET)], { now: NOW }),
    403,
    "bad_signature",
  );
  for (const sig of ["", "abc", "A".repeat(42), "A".repeat(44), "+".repeat(43), "%3D"]) {
    const bad = new URL(url.href);
    bad.searchParams.set("sig", sig);
    denied(await verifyUrl(bad, [other], { now: NOW }), 403, "bad_signature");
  }
});

Deno.test("verifyUrl() answers 410 for a valid but expired URL, at and after exp", async () => {
  const { key, url } = await signed();
  assert.equal((await verifyUrl(url, [key], { now: EXP - 1 })).ok, true);
  for (const now of [EXP, EXP + 1, EXP + 1e6]) {
    denied(
      await verifyUrl(url, [key], { now }),
      410,
      "expired",
      `Cannot serve as the URL expired at ${EXP}`,
    );
  }
});

Deno.test("verifyUrl() checks the signature before the expiry: tampered and expired is 403", async () => {
  const { key, url } = await signed();
  const tampered = new URL(url.href);
  tampered.searchParams.set("n", "17");
  denied(await verifyUrl(tampered, [key], { now: EXP + 10 }), 403, "bad_signature");
  // Extending the expiry is tampering too.
  const extended = new URL(url.href);
  extended.searchParams.set("exp", String(EXP + 3600));
  denied(await verifyUrl(extended, [key], { now: EXP + 10 }), 403, "bad_signature");
});

Deno.test("verifyUrl() rejects duplicated parameters", async () => {
  const { key, url } = await signed();
  for (const p of SIGNATURE_PARAMS) {
    const twice = new URL(url.href);
    twice.searchParams.append(p, url.searchParams.get(p)!); // same value again
    denied(
      await verifyUrl(twice, [key], { now: NOW }),
      403,
      "bad_signature",
      `'${p}' appears 2 times`,
    );
  }
  for (const [k, v] of [["n", "16"], ["n", "1000"], ["seed", "42"]]) {
    const twice = new URL(url.href);
    twice.searchParams.append(k, v);
    denied(await verifyUrl(twice, [key], { now: NOW }), 403, "bad_signature");
  }
});

Deno.test("verifyUrl() binds the method", async () => {
  const key = await importSigningKey("k1", SECRET);
  const url = await signUrl(new URL(BASE), key, { expiresAt: EXP, method: "post" });
  assert.equal((await verifyUrl(url, [key], { now: NOW, method: "POST" })).ok, true);
  denied(await verifyUrl(url, [key], { now: NOW }), 403, "bad_signature");
  const get = (await signed(key)).url;
  denied(await verifyUrl(get, [key], { now: NOW, method: "HEAD" }), 403, "bad_signature");
});

Deno.test("verifyUrl() accepts one spelling per signed URL: the sorted query, sig last", async () => {
  const { key, url } = await signed();
  assert.equal((await verifyUrl(url, [key], { now: NOW })).ok, true);
  const pairs = [...url.searchParams].reverse();
  const spellings = [
    url.origin + url.pathname + "?" + new URLSearchParams(pairs), // reordered
    url.href.replace("n=", "%6E="), // a percent-encoded name
    url.href + "&", // an empty pair
    url.href.replace("&kid=", "&&kid="),
  ];
  for (const spelling of spellings) {
    const verdict = await verifyUrl(new URL(spelling), [key], { now: NOW });
    assert.equal(verdict.ok, false, spelling);
    if (!verdict.ok) assert.equal(verdict.code, "non_canonical", spelling);
  }
});

Deno.test("verifyUrl() refuses a correctly signed exp that is not unix seconds", async () => {
  const key = await importSigningKey("k1", SECRET);
  for (const exp of ["soon", "-5", "1e12", "1234567890123456"]) {
    const url = new URL("https://edge.example/p?n=1");
    url.searchParams.set("exp", exp);
    url.searchParams.set("kid", "k1");
    const canonical = canonicalString("GET", url.pathname, url.searchParams);
    url.searchParams.set("sig", createHmac("sha256", SECRET).update(canonical).digest("base64url"));
    denied(
      await verifyUrl(url, [key], { now: NOW }),
      403,
      "bad_signature",
      "'exp' must be unix seconds",
    );
  }
});

Deno.test("key rotation: an old-key URL verifies while both keys are loaded, not after", async () => {
  const keys = await parseSigningKeys(`new:${SECRET}, old:${OLD_SECRET}`);
  assert.deepEqual(keys.map((k) => k.id), ["new", "old"]); // the first key signs
  const fromOld = (await signed(keys[1])).url;
  assert.deepEqual(await verifyUrl(fromOld, keys, { now: NOW }), {
    ok: true,
    expiresAt: EXP,
    kid: "old",
  });
  const fromNew = (await signed(keys[0])).url;
  assert.equal((await verifyUrl(fromNew, keys, { now: NOW })).ok, true);
  const afterRotation = await parseSigningKeys(`new:${SECRET}`);
  denied(await verifyUrl(fromOld, afterRotation, { now: NOW }), 403, "unknown_key");
  assert.equal((await verifyUrl(fromNew, afterRotation, { now: NOW })).ok, true);
  // Same id, different secret (a leaked key replaced): old URLs stop verifying.
  const replaced = await parseSigningKeys(`old:${SECRET}`);
  denied(await verifyUrl(fromOld, replaced, { now: NOW }), 403, "bad_signature");
});

Deno.test("canonicalString() ignores query order and sig, sorts by key then value", () => {
  const a = canonicalString("get", "/p", new URLSearchParams("b=2&a=1&sig=xyz&a=0"));
  const b = canonicalString("GET", "/p", new URLSearchParams("a=0&sig=other&a=1&b=2"));
  assert.equal(a, "GET\n/p\na=0&a=1&b=2");
  assert.deepEqual(b, a);
  assert.equal(canonicalString("GET", "/p", new URLSearchParams()), "GET\n/p\n");
});

Deno.test("canonicalString() percent-encodes keys and values (RFC 3986) so pairs cannot collide", () => {
  const q = new URLSearchParams();
  q.set("a b", "x&y=z");
  q.set("c", "!'()*~-._");
  assert.equal(
    canonicalString("GET", "/p", q),
    "GET\n/p\na%20b=x%26y%3Dz&c=%21%27%28%29%2A~-._",
  );
  // "a=1&b=2" as one value differs from two pairs.
  const one = canonicalString("GET", "/p", new URLSearchParams([["a", "1&b=2"]]));
  const two = canonicalString("GET", "/p", new URLSearchParams([["a", "1"], ["b", "2"]]));
  assert.ok(one !== two);
});

Deno.test("signUrl() refuses an expiry verifyUrl could not read", async () => {
  const key = await importSigningKey("k1", SECRET);
  const url = new URL("https://edge.example/p?n=1");
  await assert.rejects(() => signUrl(url, key, { expiresAt: 1e15 }), {
    name: "RangeError",
    message: /'expiresAt'/,
  });
});
