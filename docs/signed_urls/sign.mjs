#!/usr/bin/env node
// Mint drs-edge signed sample URLs from any Node.js backend (node:crypto only).
// The scheme is specified in docs/signed_urls.md.
//
//   import { signUrl } from "./sign.mjs";
//   const url = signUrl("https://samples.example", "grid25", { n: 16, seed: 7 },
//     { kid: "k1", secret: "...at least 32 bytes...", expiresAt: 1767225600 });
//
//   node sign.mjs --vectors docs/signed_urls/vectors.json      # check the test vectors
//   node sign.mjs --base URL --kid K --secret S --model M --seed 7 [--n 16] [--ttl 3600] \
//     [--format png|json] [--param key=value ...]               # print one URL

import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** RFC 3986 percent-encoding of UTF-8: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function encode(text) {
  return encodeURIComponent(String(text)).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** METHOD, path and the sorted, encoded query pairs (sig left out), joined by newlines. */
export function canonicalString(method, path, pairs) {
  const encoded = pairs.filter(([k]) => k !== "sig").map(([k, v]) => [encode(k), encode(v)]);
  encoded.sort((
    a,
    b,
  ) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return `${method.toUpperCase()}\n${path}\n${encoded.map(([k, v]) => `${k}=${v}`).join("&")}`;
}

/** base64url (no padding) of HMAC-SHA256 keyed with the secret's UTF-8 bytes. */
export function signature(secret, canonical) {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(canonical, "utf8").digest(
    "base64url",
  );
}

/**
 * `path?<canonical query>&sig=..` for `params` (an object or [key, value] pairs): the one
 * spelling the server serves (the signed pairs sorted and encoded, then `sig`).
 */
export function signPath(path, params, { kid, secret, expiresAt, method = "GET" }) {
  const given = Array.isArray(params) ? params : Object.entries(params);
  const pairs = given.map(([k, v]) => [String(k), String(v)])
    .filter(([k]) => !["exp", "kid", "sig"].includes(k));
  pairs.push(["exp", String(Math.trunc(expiresAt))], ["kid", kid]);
  const canonical = canonicalString(method, path, pairs);
  const query = canonical.slice(canonical.indexOf("\n", canonical.indexOf("\n") + 1) + 1);
  return `${path}?${query}&sig=${signature(secret, canonical)}`;
}

/** A signed URL for `/v1/s/<model>.<format>` on `base` (its path is replaced). */
export function signUrl(base, model, params, { kid, secret, expiresAt, format = "png" }) {
  if (Buffer.byteLength(secret, "utf8") < 32) {
    throw new RangeError("Cannot sign as the secret must be at least 32 bytes");
  }
  return base.replace(/\/+$/, "") +
    signPath(`/v1/s/${model}.${format}`, params, { kid, secret, expiresAt });
}

function checkVectors(file) {
  let failed = 0;
  for (const c of JSON.parse(readFileSync(file, "utf8")).cases) {
    const pairs = [...c.params, ["exp", String(c.exp)], ["kid", c.key.kid]];
    const canonical = canonicalString(c.method, c.path, pairs);
    const sig = signature(c.key.secret, canonical);
    const url = c.base + signPath(c.path, c.params, { ...c.key, expiresAt: c.exp });
    const ok = canonical === c.canonical && sig === c.sig && url === c.url;
    console.log(`${ok ? "ok  " : "FAIL"} ${c.name}`);
    if (!ok) failed++;
  }
  return failed;
}

function main(argv) {
  const args = { params: [], base: "http://localhost:8000", n: "1", ttl: "3600", format: "png" };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "");
    if (name === "param") args.params.push(argv[i + 1].split(/=(.*)/s).slice(0, 2));
    else args[name] = argv[i + 1];
  }
  if (args.vectors) return checkVectors(args.vectors) ? 1 : 0;
  if (!args.kid || !args.secret || !args.model || args.seed === undefined) {
    console.error("Cannot mint as --kid, --secret, --model and --seed are required");
    return 2;
  }
  const expiresAt = args.exp ? Number(args.exp) : Math.floor(Date.now() / 1000) + Number(args.ttl);
  const params = [["n", args.n], ["seed", args.seed], ...args.params];
  console.log(
    signUrl(args.base, args.model, params, {
      kid: args.kid,
      secret: args.secret,
      expiresAt,
      format: args.format,
    }),
  );
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
