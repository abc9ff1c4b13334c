/**
 * Response headers of the API as zod schemas, named as the answers spell them, for
 * `/openapi.json`. One entry per header; routes pick the ones they send.
 *
 * @module
 */

import { z } from "zod";

/** Every documented response header. */
export const HEADERS = {
  ETag: z.string().meta({
    description: "Strong ETag, known before any sampling: a hash of the model version, its " +
      "manifest hash, the backend and the canonical query. `If-None-Match` answers 304.",
    example: '"3f1c0e5d2a9b8c7d6e5f4a3b2c1d0e9f"',
  }),
  "Cache-Control": z.string().meta({
    description: "Seeded requests: `public, max-age=86400` (signed URLs: `public, " +
      "max-age=<seconds until exp>, immutable`); unseeded ones: `no-store`.",
  }),
  "X-DRS-Seed": z.string().meta({ description: "The seed used (random when none was given)" }),
  "X-DRS-Batches": z.string().meta({
    description: "The G+D batch sizes used, comma-separated",
    example: "64,128",
  }),
  "X-DRS-Model-Version": z.string().meta({ description: "The model version that answered" }),
  "Server-Timing": z.string().meta({
    description: "Where the time went, in milliseconds: `queue` (waiting for a sampler slot), " +
      "`gd` (G+D), `draws` (latents and uniforms), `decide` (accept/reject), `render` (the body)",
    example: 'queue;dur=0.012;desc="waiting for a sampler slot", gd;dur=0.310;desc="G+D"',
  }),
  "Retry-After": z.string().meta({
    description: "Seconds to wait before retrying (`1`)",
    example: "1",
  }),
  "Access-Control-Allow-Origin": z.literal("*").meta({
    description: "Signed URLs can be read from any origin",
  }),
  "Cross-Origin-Resource-Policy": z.literal("cross-origin").meta({
    description: "Signed images can be embedded by any origin",
  }),
  "Timing-Allow-Origin": z.literal("*").meta({
    description: "Pages embedding a signed image may read its Server-Timing",
  }),
} as const;

/** Name of a documented header. */
export type HeaderName = keyof typeof HEADERS;

/** A headers object of `names` for a response (all required unless listed in `optional`). */
export function headers(
  names: readonly HeaderName[],
  optional: readonly HeaderName[] = [],
): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const name of names) shape[name] = HEADERS[name];
  for (const name of optional) shape[name] = HEADERS[name].optional();
  return z.object(shape);
}
