/**
 * Secure defaults on every response, set after the route has answered (and only where the
 * route did not set the header itself):
 *
 * - `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` everywhere;
 * - on JSON, PNG and text answers a CSP that lets them do nothing when opened as a document
 *   (`default-src 'none'; frame-ancestors 'none'; sandbox`). A CSP governs the document it
 *   arrives with, not how a page embeds it, so cross-origin `<img src>` keeps working; the
 *   signed routes also keep their own `Cross-Origin-Resource-Policy: cross-origin`.
 * - HTML (the demo page, which has an inline script and may be framed) gets no CSP and no
 *   `X-Frame-Options`: it mints nothing secret and changes no state.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";

/** Headers set on every response. */
export const COMMON_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** CSP of non-HTML answers (JSON, PNG, metrics text). */
export const RESOURCE_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** Sets the secure headers a response lacks (its own values win). */
export function applySecurityHeaders(headers: Headers): void {
  for (const [name, value] of Object.entries(COMMON_SECURITY_HEADERS)) {
    if (!headers.has(name)) headers.set(name, value);
  }
  const type = headers.get("content-type") ?? "";
  if (!/^text\/html\b/i.test(type) && !headers.has("content-security-policy")) {
    headers.set("content-security-policy", RESOURCE_CSP);
  }
}

/** Hono middleware applying {@linkcode applySecurityHeaders} to every answer. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    applySecurityHeaders(c.res.headers);
  };
}
