/**
 * Security properties of the app, exhaustively where the space is small: every single-byte
 * change (substitution by each of the 256 byte values, or deletion) of a signed URL's path or
 * query is refused; secrets never reach a response body or a log line; the admin route
 * refuses every missing, malformed and near-miss token.
 */

import assert from "node:assert/strict";
import { importSigningKey, parseSigningKeys } from "../shared/signing.ts";
import { signedSampleUrl } from "../edge/signed_url.ts";
import { makeTestApp } from "../testing/test_app.ts";

const NOW = 1_800_000_000;
const SECRET = "security-test-secret-0123456789abcdefghij";
const ADMIN = "security-admin-token-9f8e7d6c-0123456789abc";

/** Runs `fn` with console output captured; returns everything printed. */
async function captureConsole(fn: () => Promise<void>): Promise<string> {
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  let out = "";
  const sink = (...args: unknown[]) => {
    out += args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(" ");
    out += "\n";
  };
  Object.assign(console, { log: sink, warn: sink, error: sink, info: sink });
  try {
    await fn();
  } finally {
    Object.assign(console, saved);
  }
  return out;
}

Deno.test("GET /v1/s/ refuses every single-byte change to a signed URL's path or query", async () => {
  const key = await importSigningKey("k1", SECRET);
  const { app } = await makeTestApp({ keys: [key], nowSeconds: () => NOW });
  const signed = await signedSampleUrl(
    key,
    {
      model: "grid",
      seed: 7,
      n: 4,
      acceptance: 0.5,
      version: 1, // pinned: 'v=1' is covered like every other byte
    },
    { base: "http://edge.test", expiresAt: NOW + 3600 },
  );
  const original = signed.pathname + signed.search;
  assert.match(original, /[?&]v=1&/);
  assert.equal((await app.request(`http://edge.test${original}`)).status, 200);
  const same = (text: string) => {
    try {
      const url = new URL(`http://edge.test${text}`);
      return url.pathname + url.search === original;
    } catch {
      return false;
    }
  };
  let tried = 0, equivalent = 0, elsewhere = 0;
  const accepted: string[] = [];
  for (let i = 0; i < original.length; i++) {
    const variants = [original.slice(0, i) + original.slice(i + 1)];
    for (let b = 0; b < 256; b++) {
      if (b !== original.charCodeAt(i)) {
        variants.push(original.slice(0, i) + String.fromCharCode(b) + original.slice(i + 1));
      }
    }
    for (const text of variants) {
      // The URL parser folds a few spellings into the original (`\` is `/` in http paths,
      // tabs and newlines are dropped): the server sees the signed URL itself, not a change.
      if (same(text)) {
        equivalent++;
        continue;
      }
      let res: Response;
      try {
        res = await app.request(`http://edge.test${text}`);
      } catch {
        continue; // not a URL at all: cannot be requested
      }
      tried++;
      await res.body?.cancel();
      // A change lands elsewhere (`#`, `?` early in the path reach the demo page at `/`) or is
      // refused; it must never be served samples.
      if (res.status < 400 && res.headers.has("x-drs-seed")) {
        accepted.push(`${JSON.stringify(text)} -> ${res.status}`);
      } else if (res.status < 400) elsewhere++;
    }
  }
  console.log(
    `${tried} changed URLs, none served samples (${tried - elsewhere} refused, ${elsewhere} ` +
      `reached another route); ${equivalent} parser-equivalent spellings skipped`,
  );
  assert.deepEqual(accepted, []);
  assert.ok(tried > original.length * 200, `only ${tried} variants tried`);
});

Deno.test("secrets never appear in response bodies or log lines", async () => {
  const key = await importSigningKey("k1", SECRET);
  const { app, opened } = await makeTestApp({
    keys: [key],
    adminToken: ADMIN,
    nowSeconds: () => NOW,
  });
  opened[0].run = () => Promise.reject(new Error("backend exploded"));
  const good = await signedSampleUrl(key, { model: "tiles", seed: 1 }, {
    base: "http://edge.test",
    expiresAt: NOW + 60,
  });
  const expired = await signedSampleUrl(key, { model: "tiles", seed: 1 }, {
    base: "http://edge.test",
    expiresAt: NOW - 60,
  });
  const requests: [string, RequestInit?][] = [
    [good.href],
    [expired.href],
    [good.href.replace("seed=1", "seed=2")],
    [good.href.replace("kid=k1", "kid=k2")],
    ["/v1/models/grid/samples?seed=1"], // backend throws: logged
    ["/v1/models/grid/samples?gamma=1e9"],
    ["/v1/sign", { method: "POST", headers: { authorization: "Bearer nope" }, body: "{}" }],
    ["/v1/sign", { method: "POST", headers: { authorization: `Bearer ${ADMIN}` }, body: "{" }],
    ["/v1/sign", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ model: "tiles", seed: 3 }),
    }],
    ["/metrics"],
    ["/demo"],
  ];
  let bodies = "";
  const logs = await captureConsole(async () => {
    for (const [path, init] of requests) {
      const res = await app.request(
        path.startsWith("http") ? path : `http://edge.test${path}`,
        init,
      );
      bodies += `${res.status} ${await res.text()}\n`;
    }
  });
  assert.match(logs, /backend exploded/, "the backend failure is logged");
  const secretForms = [SECRET, ADMIN, btoa(SECRET), SECRET.slice(0, 16)];
  for (const form of secretForms) {
    assert.ok(!bodies.includes(form), `a response body holds '${form.slice(0, 8)}...'`);
    assert.ok(!logs.includes(form), `a log line holds '${form.slice(0, 8)}...'`);
  }
});

Deno.test("parseSigningKeys() names the key id, never the secret, when refusing a key", async () => {
  for (const spec of ["k1:short-secret", "bad id!:" + SECRET, `k1:${SECRET},oops`]) {
    await assert.rejects(parseSigningKeys(spec), (error: Error) => {
      assert.ok(
        !error.message.includes("short-secret") && !error.message.includes(SECRET),
        error.message,
      );
      return true;
    });
  }
});

for (const route of ["/v1/sign", "/v1/admin/reload"]) {
  Deno.test(`POST ${route} refuses missing, malformed and near-miss admin tokens`, async () => {
    const { app } = await makeTestApp({ adminToken: ADMIN, nowSeconds: () => NOW });
    const body = JSON.stringify({ model: "grid", seed: 1 });
    const post = (headers: Record<string, string>) =>
      app.request(route, { method: "POST", headers, body });
    const near: string[] = [];
    for (let i = 0; i < ADMIN.length; i++) {
      const c = ADMIN.charCodeAt(i);
      near.push(ADMIN.slice(0, i) + String.fromCharCode(c ^ 1) + ADMIN.slice(i + 1));
    }
    const refused: Record<string, string>[] = [
      {},
      { authorization: "" },
      { authorization: "Bearer" },
      { authorization: "Bearer " },
      { authorization: ADMIN },
      { authorization: `Basic ${btoa(`admin:${ADMIN}`)}` },
      { authorization: `Bearer ${ADMIN}x` },
      { authorization: `Bearer ${ADMIN.slice(0, -1)}` },
      { authorization: `Bearer  ${ADMIN}` },
      { "x-admin-token": ADMIN },
      ...near.map((t) => ({ authorization: `Bearer ${t}` })),
    ];
    for (const headers of refused) {
      const res = await post(headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="drs-edge"');
      assert.equal((await res.json()).error.code, "unauthorized");
    }
    // The scheme is case-insensitive (RFC 9110, 11.1); the token is not.
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      const ok = await post({ authorization: `${scheme} ${ADMIN}` });
      assert.equal(ok.status, 200, scheme);
      await ok.body?.cancel();
    }
    const off = (await makeTestApp()).app; // no admin token configured: the route does not exist
    const res = await off.request(route, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}` },
      body,
    });
    assert.equal(res.status, 404);
    await res.body?.cancel();
  });
}
