/**
 * The admin bearer token (`DRS_ADMIN_TOKEN`) of `POST /v1/sign` and `POST /v1/admin/reload`:
 * checked in one place, without an early exit, and the routes are off without a token.
 *
 * @module
 */

import type { AppDeps } from "./deps.ts";
import { HttpError } from "./errors.ts";

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** Compares a bearer token with the configured one without an early exit. */
export async function tokenMatches(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Throws 404 when admin routes are off, 401 when the `Authorization` header does not carry the
 * admin token; `action` names what was refused (`sign`, `reload`) and `route` the route.
 */
export async function requireAdmin(
  deps: AppDeps,
  authorization: string | undefined,
  options: { action: string; route: string },
): Promise<void> {
  if (!deps.adminToken) {
    throw new HttpError(
      404,
      "not_found",
      `Cannot ${options.action} as ${options.route} is disabled: set DRS_ADMIN_TOKEN`,
    );
  }
  // The scheme is case-insensitive (RFC 9110, 11.1).
  const token = /^bearer (.+)$/i.exec(authorization ?? "")?.[1];
  if (!token || !(await tokenMatches(token, deps.adminToken))) {
    throw new HttpError(
      401,
      "unauthorized",
      `Cannot ${options.action} as the bearer token is missing or wrong`,
      { headers: { "www-authenticate": 'Bearer realm="drs-edge"' } },
    );
  }
}
