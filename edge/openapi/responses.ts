/**
 * Response entries of route definitions: errors in the one error shape, JSON bodies, PNG bodies.
 *
 * @module
 */

import { z } from "zod";
import { headers } from "./headers.ts";
import { errorSchema } from "./schemas.ts";

/** An error answer as `createRoute()` takes it. */
export interface ErrorResponse {
  description: string;
  content: { "application/json": { schema: typeof errorSchema } };
  headers?: z.ZodObject;
}

/**
 * Error answers by status, each described by the codes it carries (`"400": "invalid_parameter:
 * ..."`). 503 answers document `Retry-After` (sent with `overloaded`, `budget_exhausted`,
 * `model_error` and `not_ready`).
 */
export function errors<const T extends Record<number, string>>(
  byStatus: T,
): { [K in keyof T]: ErrorResponse } {
  const out: Record<number, ErrorResponse> = {};
  for (const [status, description] of Object.entries(byStatus)) {
    out[Number(status)] = {
      description,
      content: { "application/json": { schema: errorSchema } },
      ...(status === "503" ? { headers: headers([], ["Retry-After"]) } : {}),
    };
  }
  return out as { [K in keyof T]: ErrorResponse };
}

/** A JSON answer. */
export function json<S extends z.ZodType>(
  schema: S,
  description: string,
): { description: string; content: { "application/json": { schema: S } } } {
  return { description, content: { "application/json": { schema } } };
}

/**
 * Content of an answer that is JSON or, with `format=png` (or a `.png` signed path), a PNG. Both
 * are documented; the type says JSON only, so the typed client's `res.json()` is the samples
 * (a PNG is read with `res.blob()` or `res.arrayBuffer()`, whatever the type says).
 */
export function jsonOrPng<S extends z.ZodType>(schema: S): { "application/json": { schema: S } } {
  const png = { schema: z.string().meta({ format: "binary" }) };
  return { "application/json": { schema }, "image/png": png } as {
    "application/json": { schema: S };
  };
}
