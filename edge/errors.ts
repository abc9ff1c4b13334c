/**
 * The one error shape of the API, `{"error": {"code", "message", "details"?}}`, and the Hono
 * hooks that make sure nothing answers with a non-JSON body.
 *
 * @module
 */

import type { Context } from "hono";

/** Body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Options for {@linkcode HttpError}. */
export interface HttpErrorOptions {
  /** Extra machine-readable context (partial stats, load errors). */
  details?: unknown;
  /** Extra response headers, e.g. `Retry-After`. @default {{}} */
  headers?: Record<string, string>;
}

/** What every client is told when the service could not start (the reason goes to the log). */
export const NOT_STARTED = "Cannot serve as the service could not start: its log says why";

/** An error that maps to one HTTP status and a stable `code`. */
export class HttpError extends Error {
  status: number;
  code: string;
  details?: unknown;
  headers: Record<string, string>;
  constructor(status: number, code: string, message: string, options: HttpErrorOptions = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** A JSON error response. */
export function errorResponse(
  status: number,
  body: ErrorBody["error"],
  headers: Record<string, string> = {},
): Response {
  const error: ErrorBody["error"] = { code: body.code, message: body.message };
  if (body.details !== undefined) error.details = body.details;
  return new Response(JSON.stringify({ error }), {
    status,
    // An error is never cached: a CDN default must not pin a broken image or a refusal.
    headers: {
      "content-type": "application/json; charset=utf-8",
      ...headers,
      "cache-control": "no-store",
    },
  });
}

/** The response for any thrown value; unknown errors become an opaque JSON 500. */
export function responseForError(error: unknown): Response {
  if (error instanceof HttpError) {
    return errorResponse(error.status, {
      code: error.code,
      message: error.message,
      details: error.details,
    }, error.headers);
  }
  // Hono's own HTTPException (e.g. from a malformed request) carries a status.
  const status = (error as { status?: unknown })?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return errorResponse(status, {
      code: "bad_request",
      message: String((error as Error).message),
    });
  }
  return errorResponse(500, {
    code: "internal",
    message: "Cannot answer as an internal error occurred",
  });
}

/** `app.onError` hook. */
export function onError(error: Error, c: Context): Response {
  const response = responseForError(error);
  if (response.status >= 500 && !(error instanceof HttpError)) {
    console.error(`Unhandled error on ${c.req.method} ${new URL(c.req.url).pathname}:`, error);
  }
  return response;
}

/** `app.notFound` hook. */
export function notFound(c: Context): Response {
  const path = new URL(c.req.url).pathname;
  return errorResponse(404, {
    code: "not_found",
    message: `Cannot ${c.req.method} '${path}' as no such route exists`,
  });
}
