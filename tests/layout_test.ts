/**
 * The layout rules a reading of the imports can hold (DEVELOPERS.md, testing/README.md): a
 * `_private.ts` module is imported only from its own folder, and nothing outside `bench/`
 * imports from `bench/` (what tests and benchmarks share lives in `testing/`).
 */

import assert from "node:assert/strict";
import { repoPath, sourceFiles } from "../testing/source_files.ts";

/** Relative specifiers of static and dynamic imports, re-exports and module URLs. */
const SPECIFIER =
  /(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']|new URL\(\s*["'](\.{1,2}\/[^"']+)["']\s*,\s*import\.meta\.url/g;

/** Every relative import in the repository as [importer, imported], both repository paths. */
async function relativeImports(): Promise<[string, string][]> {
  const pairs: [string, string][] = [];
  for await (const file of sourceFiles()) {
    for (const match of (await Deno.readTextFile(file)).matchAll(SPECIFIER)) {
      pairs.push([repoPath(file), repoPath(new URL(match[1] ?? match[2], file))]);
    }
  }
  return pairs;
}

const folderOf = (path: string) => path.slice(0, path.lastIndexOf("/") + 1);

Deno.test("relativeImports() sees _private modules only from their folder, bench/ only from bench/", async () => {
  const pairs = await relativeImports();
  assert.ok(pairs.length > 500, `only ${pairs.length} imports found`);
  assert.ok(
    pairs.some(([from, to]) => from === "edge/start.ts" && to === "edge/app.ts"),
    "the scan reads imports",
  );
  const privateFromElsewhere = pairs.filter(([from, to]) =>
    to.split("/").pop()!.startsWith("_") && folderOf(to) !== folderOf(from)
  );
  assert.deepEqual(privateFromElsewhere, [], "[importer, private module of another folder]");
  const intoBench = pairs.filter(([from, to]) =>
    to.startsWith("bench/") && !from.startsWith("bench/")
  );
  assert.deepEqual(intoBench, [], "[importer outside bench/, bench module]: move it to testing/");
});
