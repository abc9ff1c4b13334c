/**
 * The repository's own source files, for tests that check rules over all of them (not
 * `node_modules/`, `models/`, build output or dot folders).
 *
 * @module
 */

const SKIP_DIRS = new Set(["node_modules", "models", "dist", "artifacts"]);

/** The repository root. */
export const ROOT: URL = new URL("../", import.meta.url);

/** Every TypeScript and JavaScript file under `dir`. */
export async function* sourceFiles(dir: URL = ROOT): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".") || SKIP_DIRS.has(entry.name)) continue;
    if (entry.isDirectory) yield* sourceFiles(new URL(`${entry.name}/`, dir));
    else if (/\.(ts|tsx|mts|js|mjs|jsx)$/.test(entry.name)) yield new URL(entry.name, dir);
  }
}

/** `file` relative to the repository root, e.g. `tests/server_test.ts`. */
export function repoPath(file: URL): string {
  return file.href.slice(ROOT.href.length);
}
