/** Versioned in-memory model folders (`<id>/<v>/...`) for the registry and route tests. @module */

import type { ModelFiles } from "./fake_models.ts";

const encoder = new TextEncoder();

/**
 * Adds version `v` of `base` (a flat model folder) to `model`, under `v/`; `change` edits its
 * manifest (by default the description names the version, so each version's manifest differs).
 */
export function addVersion(
  model: ModelFiles,
  base: ModelFiles,
  v: number,
  change: (manifest: Record<string, unknown>) => Record<string, unknown> = (m) => ({
    ...m,
    description: `v${v}`,
  }),
): void {
  for (const [path, bytes] of base) {
    if (path !== "manifest.json") model.set(`${v}/${path}`, bytes);
  }
  const manifest = JSON.parse(new TextDecoder().decode(base.get("manifest.json")));
  model.set(`${v}/manifest.json`, encoder.encode(JSON.stringify(change(manifest))));
}
