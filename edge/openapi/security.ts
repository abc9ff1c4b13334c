/**
 * The admin bearer token (`DRS_ADMIN_TOKEN`) of `POST /v1/sign` and `POST /v1/admin/reload`, as
 * the document describes it, and the errors of `requireAdmin()`.
 *
 * @module
 */

import { errors } from "./responses.ts";

/** Name of the security scheme in `components.securitySchemes`. */
export const ADMIN_SCHEME = "adminToken";

/** The scheme: `Authorization: Bearer <DRS_ADMIN_TOKEN>`. */
export const ADMIN_SCHEME_OBJECT = {
  type: "http",
  scheme: "bearer",
  description: "`Authorization: Bearer <DRS_ADMIN_TOKEN>`; the admin routes are off without it",
} as const;

/** `security` of an admin route. */
export const BEARER = [{ [ADMIN_SCHEME]: [] }];

/** What `requireAdmin()` answers. */
export const ADMIN_ERRORS = errors({
  401: "`unauthorized`: the bearer token is missing or wrong (`WWW-Authenticate: Bearer`)",
  404: "`not_found`: the route is off (`DRS_ADMIN_TOKEN` is not set)",
});
