/**
 * The script of the API reference page: `@scalar/api-reference`'s standalone bundle, imported as
 * bytes (`#scalar/standalone.js` in deno.json), so the page needs no CDN. Deno reads it as a
 * module of the graph; `scripts/build_worker.ts` ships it to the Worker as a Data module (an
 * ArrayBuffer, hence the conversion).
 *
 * @module
 */

import bundle from "#scalar/standalone.js" with { type: "bytes" };

/** The bundle's bytes. */
export function scalarBundle(): Uint8Array<ArrayBuffer> {
  const bytes: unknown = bundle;
  return bytes instanceof Uint8Array
    ? bytes as Uint8Array<ArrayBuffer>
    : new Uint8Array(bytes as ArrayBuffer);
}
