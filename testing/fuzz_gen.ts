/**
 * A seeded generator of hostile requests for the fuzz suites: random and traversal paths,
 * known and unknown parameters with huge, negative, non-numeric, unicode and percent-garbage
 * values, repeated and missing parameters, model versions (served, retired or never there, in
 * the path and pinned in signed URLs), signed URLs with expired, far-future and malformed
 * signatures and versions, odd methods, and admin calls (sign, reload) with missing, wrong and
 * right tokens.
 * Draws come from shared/rng.ts, so a seed gives the same requests on every run.
 *
 * @module
 */

import type { SigningKey } from "../shared/signing.ts";
import { signedSampleUrl } from "../edge/signed_url.ts";
import {
  encode,
  type FuzzRng,
  METHODS,
  PARAMS,
  randomText,
  SEGMENTS,
  value,
} from "./fuzz_values.ts";

export { type FuzzRng, fuzzRng } from "./fuzz_values.ts";

/** One generated request. */
export interface FuzzRequest {
  kind: string;
  method: string;
  /** Path and query, to be resolved against the target origin. */
  target: string;
  headers: Record<string, string>;
  body?: string;
}

/** What the generator knows about the target. */
export interface FuzzTarget {
  models: readonly string[];
  key: SigningKey;
  adminToken: string;
  nowSeconds: number;
}

function query(rng: FuzzRng): string {
  const pairs: string[] = [];
  for (let k = rng.int(7); k > 0; k--) {
    const key = rng.chance(0.85) ? rng.pick(PARAMS) : randomText(rng);
    const pair = `${encode(rng, key)}=${encode(rng, value(rng, key))}`;
    pairs.push(pair);
    if (rng.chance(0.08)) pairs.push(pair); // repeated
  }
  return pairs.length > 0 || rng.chance(0.5) ? `?${pairs.join("&")}` : "";
}

/** A version path segment: often one that is served, often hostile. */
function versionSegment(rng: FuzzRng): string {
  if (rng.chance(0.5)) return rng.pick(["1", "1", "2", "7"]);
  return encode(rng, value(rng, "v"));
}

function modelId(rng: FuzzRng, target: FuzzTarget): string {
  if (rng.chance(0.7)) return rng.pick(target.models);
  return encode(rng, rng.pick(["nope", "GRID", "a".repeat(300), "..", "%2e%2e", randomText(rng)]));
}

async function signed(rng: FuzzRng, target: FuzzTarget): Promise<string> {
  const model = rng.pick(target.models);
  const expiresAt = rng.pick([
    target.nowSeconds + 3600, // valid
    target.nowSeconds + 600, // valid
    target.nowSeconds + 86400, // valid
    target.nowSeconds - 1, // expired
    target.nowSeconds + 10 ** 9, // far future: past the longest lifetime (403 bad_expiry)
    1, // long expired
  ]);
  // One sampler's parameters at most (a signed URL is validated when minted).
  const sampler = rng.pick([
    {},
    {},
    { acceptance: rng.pick([0.2, 0.5]) },
    { sampler: "mh" as const, k: rng.pick([2, 4]) },
    { sampler: "truncation" as const, psi: 0.8 },
    { sampler: "raw" as const },
  ]);
  const url = await signedSampleUrl(
    target.key,
    {
      model,
      seed: rng.int(2 ** 32),
      n: rng.pick([1, 4, 16]),
      format: rng.pick(["png", "json"] as const),
      ...sampler,
      // Pinned to a class: valid for class-conditional models, a 400 for the others.
      ...(rng.chance(0.3) ? { class: rng.pick(["0", "2", "two"]) } : {}),
      // Pinned to a served version, to one never served (410), or unpinned.
      ...(rng.chance(0.7) ? { version: rng.pick([1, 1, 2, 7]) } : {}),
    },
    { base: "http://fuzz.test", expiresAt },
  );
  let text = url.pathname + url.search;
  const mutation = rng.int(9);
  if (mutation === 1) { // one character changed
    const i = rng.int(text.length);
    text = text.slice(0, i) + String.fromCharCode(33 + rng.int(94)) + text.slice(i + 1);
  } else if (mutation === 2) {
    text = text.replace(/sig=[^&]*/, `sig=${encode(rng, value(rng, "sig"))}`);
  } else if (mutation === 3) {
    text = text.replace(/exp=[^&]*/, `exp=${encode(rng, value(rng, "exp"))}`);
  } else if (mutation === 4) {
    text = text.replace(/kid=[^&]*/, `kid=${encode(rng, value(rng, "kid"))}`);
  } else if (mutation === 5) text = text.replace(/&(sig|exp|kid|seed)=[^&]*/, "");
  else if (mutation === 6) text += rng.pick(["&sig=AAAA", "&n=1", "&exp=1", "&extra=1", "&v=1"]);
  else if (mutation === 7) { // another version, unsigned
    text = text.includes("v=")
      ? text.replace(/([?&])v=[^&]*/, `$1v=${encode(rng, value(rng, "v"))}`)
      : text.replace(/&sig=/, `&v=${rng.pick(["1", "2"])}&sig=`);
  }
  return text;
}

function signBody(rng: FuzzRng, target: FuzzTarget): string {
  const good = { model: rng.pick(target.models), seed: rng.int(1000), n: 4, ttl: 60 };
  switch (rng.int(8)) {
    case 0:
      return JSON.stringify(good);
    case 6: // a version: served, never served, or not a version
      return JSON.stringify({
        ...good,
        version: rng.pick([1, 1, 2, 7, 0, -1, 1.5, "1", 1e12, null]),
      });
    case 1:
      return JSON.stringify({ ...good, [rng.pick(PARAMS)]: value(rng, "n") });
    case 2:
      return JSON.stringify({ ...good, ttl: rng.pick([0, -1, 1e12, 2592001, 1.5]) });
    case 3:
      return "[".repeat(rng.pick([10, 5000])) + "]".repeat(rng.pick([0, 10]));
    case 4:
      return JSON.stringify({
        ...good,
        baseUrl: rng.pick(["javascript:alert(1)", "ftp://x", "http://a.b"]),
      });
    case 5:
      return randomText(rng);
    default:
      return JSON.stringify({ ...good, model: value(rng, "model"), seed: value(rng, "seed") });
  }
}

function junkPath(rng: FuzzRng): string {
  const parts: string[] = [];
  for (let k = 1 + rng.int(5); k > 0; k--) {
    parts.push(rng.chance(0.7) ? rng.pick(SEGMENTS) : encode(rng, randomText(rng)));
  }
  return "/" + parts.join("/");
}

/** The next hostile request for `target`. */
export async function fuzzRequest(rng: FuzzRng, target: FuzzTarget): Promise<FuzzRequest> {
  const method = rng.chance(0.88) ? "GET" : rng.pick(METHODS);
  const headers: Record<string, string> = {};
  if (rng.chance(0.1)) {
    headers["if-none-match"] = rng.pick(['"x"', "*", "*", 'W/"a", "b"', "", ","]);
  }
  const r = rng.next();
  if (r < 0.4) {
    const version = rng.chance(0.25) ? `/versions/${versionSegment(rng)}` : "";
    return {
      kind: "samples",
      method,
      headers,
      target: `/v1/models/${modelId(rng, target)}${version}/samples${query(rng)}`,
    };
  }
  if (r < 0.6) return { kind: "signed", method, headers, target: await signed(rng, target) };
  if (r < 0.7) {
    const auth = rng.pick([
      "",
      "Bearer wrong",
      `Bearer ${target.adminToken}`,
      "Basic eDp5",
      "Bearer ",
    ]);
    if (auth) headers.authorization = auth;
    const reload = rng.chance(0.15);
    return {
      kind: reload ? "reload" : "sign",
      method: rng.chance(0.9) ? "POST" : method,
      headers,
      target: reload ? "/v1/admin/reload" : "/v1/sign",
      body: reload ? (rng.chance(0.5) ? "" : signBody(rng, target)) : signBody(rng, target),
    };
  }
  if (r < 0.85) {
    const path = rng.pick([
      "/",
      "/demo",
      "/demo/urls",
      "/healthz",
      "/readyz",
      "/metrics",
      "/v1/models",
      `/v1/models/${modelId(rng, target)}`,
      `/v1/models/${modelId(rng, target)}/versions/${versionSegment(rng)}`,
    ]);
    return { kind: "fixed", method, headers, target: path + query(rng) };
  }
  return { kind: "junk", method, headers, target: junkPath(rng) + query(rng) };
}
