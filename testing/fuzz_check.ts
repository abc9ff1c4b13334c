/**
 * What every fuzz answer must satisfy: no 5xx, every error is the JSON error shape
 * `{"error":{"code","message","details"?}}`, success bodies have a known type, the secure
 * headers are set, and no secret appears in a body. Problems are collected, not thrown, so
 * one run reports all of them.
 *
 * @module
 */

import type { FuzzRequest } from "./fuzz_gen.ts";

/** Tally of one fuzz run. */
export interface FuzzTally {
  sent: number;
  /** Requests the client could not even build (e.g. an invalid URL), never sent. */
  unsendable: number;
  byStatus: Record<string, number>;
  byCode: Record<string, number>;
  problems: string[];
}

/** An empty tally. */
export function createTally(): FuzzTally {
  return { sent: 0, unsendable: 0, byStatus: {}, byCode: {}, problems: [] };
}

const SUCCESS_TYPES = /^(application\/json|image\/png|text\/html|text\/plain)\b/;

function errorShapeProblem(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `error body is not JSON: ${text.slice(0, 80)}`;
  }
  const error = (body as { error?: Record<string, unknown> })?.error;
  if (Object.keys(body as object).join() !== "error" || typeof error !== "object" || !error) {
    return "error body is not {error: {...}}";
  }
  const extra = Object.keys(error).filter((k) => !["code", "message", "details"].includes(k));
  if (typeof error.code !== "string" || typeof error.message !== "string" || extra.length) {
    return `error object has the wrong fields: ${Object.keys(error)}`;
  }
  return undefined;
}

/** Checks one answer; returns the problem, or undefined when it is fine. */
export async function responseProblem(
  request: FuzzRequest,
  res: Response,
  options: { secrets: readonly string[]; tally: FuzzTally },
): Promise<string | undefined> {
  const { tally } = options;
  tally.sent++;
  tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  const where = `${request.method} ${request.target.slice(0, 160)} -> ${res.status}`;
  if (res.status >= 500) return `${where}: a 5xx (${text.slice(0, 200)})`;
  if (res.headers.get("x-content-type-options") !== "nosniff") return `${where}: no nosniff`;
  for (const secret of options.secrets) {
    if (text.includes(secret)) return `${where}: the body holds a secret`;
  }
  if (res.status >= 400) {
    if (request.method === "HEAD") return undefined;
    if (!/^application\/json/.test(type)) return `${where}: error content-type '${type}'`;
    const shape = errorShapeProblem(text);
    if (shape) return `${where}: ${shape}`;
    const code = JSON.parse(text).error.code;
    tally.byCode[code] = (tally.byCode[code] ?? 0) + 1;
    return undefined;
  }
  if (res.status === 200 && !SUCCESS_TYPES.test(type)) return `${where}: content-type '${type}'`;
  return undefined;
}

/**
 * Builds the Request of a fuzz request against `origin`, or undefined if it cannot be built.
 * The target is appended to the origin (never resolved: `//host/x` must stay a path) and the
 * result must still point at `origin`, so fuzz traffic never leaves the server under test.
 */
export function toRequest(origin: string, request: FuzzRequest): Request | undefined {
  try {
    const url = new URL(origin + request.target);
    if (url.origin !== new URL(origin).origin) return undefined;
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : request.body;
    return new Request(url, {
      method: request.method,
      headers: request.headers,
      body,
    });
  } catch {
    return undefined;
  }
}

/** One line per status and per error code, for the report. */
export function tallySummary(tally: FuzzTally): string {
  const fmt = (m: Record<string, number>) =>
    Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(", ");
  return `${tally.sent} sent (${tally.unsendable} unsendable); statuses {${
    fmt(tally.byStatus)
  }}; error codes {${fmt(tally.byCode)}}; problems ${tally.problems.length}`;
}
