/**
 * Signed sample URLs: HMAC-SHA256 over a canonical string of the method, the path and the
 * sorted query (every parameter but `sig`). The query carries `exp` (unix seconds) and `kid`
 * (key id) so several keys can be live at once for rotation. Web Crypto only.
 *
 * @module
 */

/** A named HMAC key. */
export interface SigningKey {
  id: string;
  key: CryptoKey;
}

/** Query parameters the signature owns. */
export const SIGNATURE_PARAMS = ["exp", "kid", "sig"] as const;

/**
 * The optional signed parameter that binds a URL to one host (`host=img.example.com`, with its
 * port when not the default): served only when the request's host is that one.
 */
export const HOST_PARAM = "host";

/** Options for {@linkcode verifyUrl}. */
export interface VerifyOptions {
  /** @default {"GET"} */
  method?: string;
  /** Unix seconds. @default {Date.now() / 1000} */
  now?: number;
  /** The farthest `exp` may lie ahead. @default {undefined} (no bound) */
  maxTtlSeconds?: number;
  /** Refuse URLs not bound to a host (`host`); a bound URL is checked either way. @default {false} */
  requireHost?: boolean;
}

const encoder = new TextEncoder();

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The query pairs (every one but `sig`) RFC 3986-encoded and sorted: `k1=v1&k2=v2`. */
export function canonicalQuery(query: URLSearchParams): string {
  const pairs = [...query].filter(([k]) => k !== "sig").map(([k, v]) => [rfc3986(k), rfc3986(v)]);
  pairs.sort((
    a,
    b,
  ) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

/** The string that is signed: `METHOD\npath\nk1=v1&k2=v2` with pairs sorted, `sig` left out. */
export function canonicalString(method: string, path: string, query: URLSearchParams): string {
  return `${method.toUpperCase()}\n${path}\n${canonicalQuery(query)}`;
}

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const bin = atob(
      text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - text.length % 4) % 4),
    );
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    // atob ignores the unused low bits of the last character, so several spellings decode to
    // the same bytes (a 32-byte MAC has 4); only the canonical one is a valid signature.
    return toBase64Url(bytes) === text ? bytes : null;
  } catch {
    return null;
  }
}

/** Imports one secret (at least 32 bytes of UTF-8) as an HMAC-SHA256 key. */
export async function importSigningKey(id: string, secret: string): Promise<SigningKey> {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
    throw new RangeError(
      // The value is not echoed: a mistyped entry may put part of the secret where the id goes.
      `Cannot import signing key as its id must match [A-Za-z0-9_-]{1,32} (${id.length} characters given)`,
    );
  }
  const raw = encoder.encode(secret);
  if (raw.byteLength < 32) {
    throw new RangeError(
      `Cannot import signing key '${id}' as its secret must be at least 32 bytes: it has ${raw.byteLength}`,
    );
  }
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
  return { id, key };
}

/**
 * Parses `kid1:secret1,kid2:secret2` (the `DRS_SIGNING_KEYS` format). The first key signs;
 * all verify. Error messages name the key id, never the secret.
 */
export async function parseSigningKeys(spec: string): Promise<SigningKey[]> {
  const entries = spec.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  const keys: SigningKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(":");
    if (colon <= 0) {
      throw new RangeError(
        `Cannot parse signing keys as entry ${index + 1} must look like 'kid:secret'`,
      );
    }
    const id = entry.slice(0, colon);
    if (keys.some((k) => k.id === id)) {
      throw new RangeError(
        `Cannot parse signing keys as the key id '${id}' is repeated: each kid must be unique`,
      );
    }
    keys.push(await importSigningKey(id, entry.slice(colon + 1)));
  }
  if (keys.length === 0) throw new RangeError("Cannot parse signing keys as none were given");
  return keys;
}

/** Options for {@linkcode signUrl}. */
export interface SignOptions {
  /** Expiry as unix seconds. */
  expiresAt: number;
  /** @default {"GET"} */
  method?: string;
}

/**
 * Signs `url` (path and query; origin kept as given) and returns it with `exp`, `kid` and
 * `sig` set. Existing `exp`/`kid`/`sig` are replaced.
 */
export async function signUrl(url: URL, key: SigningKey, options: SignOptions): Promise<URL> {
  if (
    !Number.isSafeInteger(options.expiresAt) || options.expiresAt <= 0 ||
    options.expiresAt >= 1e15 // verifyUrl reads at most 15 digits
  ) {
    throw new RangeError(
      `Cannot sign as 'expiresAt' must be positive unix seconds: current value is ${options.expiresAt}`,
    );
  }
  const out = new URL(url.href);
  for (const p of SIGNATURE_PARAMS) out.searchParams.delete(p);
  out.searchParams.set("exp", String(options.expiresAt));
  out.searchParams.set("kid", key.id);
  const message = canonicalString(options.method ?? "GET", out.pathname, out.searchParams);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key.key, encoder.encode(message)));
  // The one spelling: the sorted, encoded pairs, then `sig` (what verifyUrl accepts).
  out.search = `?${canonicalQuery(out.searchParams)}&sig=${toBase64Url(mac)}`;
  return out;
}

/** Outcome of {@linkcode verifyUrl}. */
export type VerifyResult =
  | { ok: true; expiresAt: number; kid: string }
  | { ok: false; status: 403 | 410; code: string; message: string };

/**
 * Verifies a signed URL in constant time (crypto.subtle.verify). The signature is checked
 * before the expiry, so a tampered URL is 403 whatever its expiry; a valid but expired one is 410.
 */
export async function verifyUrl(
  url: URL,
  keys: readonly SigningKey[],
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const q = url.searchParams;
  const deny = (code: string, message: string): VerifyResult => ({
    ok: false,
    status: 403,
    code,
    message,
  });
  for (const p of SIGNATURE_PARAMS) {
    const all = q.getAll(p);
    if (all.length === 0) {
      return deny("unsigned", `Cannot serve as the URL is not signed: '${p}' is missing`);
    }
    if (all.length > 1) {
      return deny("bad_signature", `Cannot serve as '${p}' appears ${all.length} times`);
    }
  }
  const kid = q.get("kid")!;
  const key = keys.find((k) => k.id === kid);
  if (!key) return deny("unknown_key", "Cannot serve as the URL was signed with an unknown key id");
  const sig = fromBase64Url(q.get("sig")!);
  if (!sig || sig.byteLength !== 32) {
    return deny("bad_signature", "Cannot serve as 'sig' is not a base64url HMAC-SHA256");
  }
  const message = canonicalString(options.method ?? "GET", url.pathname, q);
  const valid = await crypto.subtle.verify("HMAC", key.key, sig, encoder.encode(message));
  if (!valid) return deny("bad_signature", "Cannot serve as the signature does not match the URL");
  const exp = q.get("exp")!;
  const expiresAt = /^[0-9]{1,15}$/.test(exp) ? Number(exp) : NaN;
  if (!Number.isSafeInteger(expiresAt)) {
    return deny("bad_signature", "Cannot serve as 'exp' must be unix seconds");
  }
  // One spelling per signed URL: each spelling would be a new cache key (and fresh work).
  const canonical = `?${canonicalQuery(q)}&sig=${q.get("sig")}`;
  if (url.search !== canonical) {
    return deny(
      "non_canonical",
      `Cannot serve as the URL is not in its one spelling: expected '${url.pathname}${canonical}'`,
    );
  }
  // Host binding: the request's host (url.host, lowercased by the URL parser) must be the
  // signed one, so a URL minted for one site is not served through another name.
  const hosts = q.getAll(HOST_PARAM);
  if (hosts.length > 1 || (hosts.length === 1 && hosts[0].toLowerCase() !== url.host)) {
    return deny("wrong_host", "Cannot serve as the URL is signed for another host");
  }
  if (hosts.length === 0 && options.requireHost) {
    return deny(
      "unbound_host",
      `Cannot serve as this server requires signed URLs bound to a host: mint with '${HOST_PARAM}'`,
    );
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (options.maxTtlSeconds !== undefined && expiresAt - now > options.maxTtlSeconds) {
    return deny(
      "bad_expiry",
      `Cannot serve as 'exp' lies more than ${options.maxTtlSeconds} s ahead (the longest ` +
        "lifetime this server accepts): mint a shorter-lived URL",
    );
  }
  if (expiresAt <= now) {
    return {
      ok: false,
      status: 410,
      code: "expired",
      message: `Cannot serve as the URL expired at ${expiresAt}`,
    };
  }
  return { ok: true, expiresAt, kid };
}
