/**
 * Writes `manifest.json` after validating it against the shared schema, so train/ can never
 * ship a manifest the edge would refuse.
 *
 * @module
 */

import { join } from "node:path";
import { type Manifest, MANIFEST_VERSION, parseManifest } from "../shared/manifest.ts";

/** Manifest fields the caller provides (version and createdAt are filled in). */
export type ManifestDraft = Omit<Manifest, "version" | "createdAt">;

/** Validates and writes `dir/manifest.json` (pretty-printed, trailing newline). */
export async function writeManifest(dir: string, draft: ManifestDraft): Promise<Manifest> {
  const manifest = parseManifest(
    { version: MANIFEST_VERSION, createdAt: new Date().toISOString(), ...draft },
    { source: join(dir, "manifest.json") },
  );
  await Deno.writeTextFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}
