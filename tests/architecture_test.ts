/**
 * The rules of docs/architecture.md that a reading of the imports can hold: who may import
 * whom, `_private.ts` modules only from their own folder, nothing outside `bench/` imports from
 * `bench/` (what tests and benchmarks share lives in `testing/`), which folders may load a
 * runtime, where `Deno.*` may appear, and that the accept/reject decision is made in one module.
 */

import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";
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

interface Source {
  file: string;
  /** The code without comments (prose may name modules). */
  text: string;
  /** Relative imports resolved to repository paths. */
  local: string[];
  /** Bare (npm, node:) specifiers. */
  bare: string[];
}

const ANY_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g;
const WORKER_URL = /new URL\(\s*["'](\.{1,2}\/[^"']+)["']\s*,\s*import\.meta\.url/g;

async function sources(): Promise<Source[]> {
  const out: Source[] = [];
  for await (const url of sourceFiles()) {
    const file = repoPath(url);
    const code = (await Deno.readTextFile(url)).replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    const local: string[] = [], bare: string[] = [];
    for (const [, spec] of code.matchAll(ANY_SPECIFIER)) {
      if (spec.startsWith(".")) local.push(normalize(join(dirname(file), spec)));
      else bare.push(spec);
    }
    for (const [, spec] of code.matchAll(WORKER_URL)) {
      if (spec.endsWith(".ts")) local.push(normalize(join(dirname(file), spec)));
    }
    out.push({ file, text: code, local, bare });
  }
  return out;
}

const all = await sources();
const top = (path: string) => path.split("/")[0];
const isTest = (file: string) =>
  file.endsWith("_test.ts") || ["tests", "testing", "bench"].includes(top(file));

/** The package folders below the two sides, and what each may import. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  shared: ["shared"],
  backends: ["backends", "shared"],
  sampling: ["sampling", "backends", "shared"],
  train: ["train", "sampling", "backends", "shared"],
  edge: ["edge", "sampling", "backends", "shared"],
};

Deno.test("architecture: each package imports only the packages below it", () => {
  const problems: string[] = [];
  for (const s of all) {
    const allowed = MAY_IMPORT[top(s.file)];
    if (!allowed || isTest(s.file)) continue;
    for (const target of s.local) {
      if (!allowed.includes(top(target))) problems.push(`${s.file} imports ${target}`);
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("architecture: only backends/ runs models (train/ also trains with tfjs)", () => {
  const problems: string[] = [];
  for (const s of all) {
    // scripts/ builds bundles: it names runtime packages for esbuild, it runs no model.
    if (isTest(s.file) || top(s.file) === "scripts") continue;
    const folder = top(s.file);
    for (const spec of s.bare) {
      const runtime = spec.startsWith("onnxruntime-node") ||
        spec.startsWith("@tensorflow/tfjs");
      if (!runtime) continue;
      const trains = folder === "train" && !spec.startsWith("onnxruntime-node");
      if (folder !== "backends" && !trains) problems.push(`${s.file} imports ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("architecture: shared/, backends/, sampling/ and the edge app use no Deno APIs", () => {
  // Entry points and the filesystem source are where Deno lives on the serving side.
  const denoAllowed = new Set([
    "edge/main.ts",
    "edge/deploy.ts",
    "edge/fs_source.ts",
    "edge/sign_cli.ts",
    "edge/dev_key.ts",
  ]);
  const problems = all
    .filter((s) => ["shared", "backends", "sampling", "edge"].includes(top(s.file)))
    .filter((s) => !isTest(s.file) && !denoAllowed.has(s.file))
    .filter((s) => /\bDeno\.[a-zA-Z]/.test(s.text) || s.bare.some((b) => b.startsWith("node:")))
    .map((s) => s.file);
  assert.deepEqual(problems, []);
});

Deno.test("architecture: the accept/reject decision is called from one non-test module", () => {
  const callers = all
    .filter((s) => !isTest(s.file) && s.file !== "shared/drs.ts")
    .filter((s) => /\bdecideBatch(In)?\s*\(/.test(s.text))
    .map((s) => s.file);
  assert.deepEqual(callers, ["sampling/drs.ts"]);
});

/** Every import cycle among `files` (each as the list of its files, the first repeated last). */
function importCycles(sources: Source[]): string[][] {
  const edges = new Map(sources.map((s) => [s.file, [...new Set(s.local)]]));
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (!edges.has(next)) continue;
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...edges.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

Deno.test("architecture: no import cycle between product files (type imports count)", () => {
  const product = all.filter((s) => !isTest(s.file));
  assert.deepEqual(importCycles(product).map((c) => c.join(" -> ")), []);
});

Deno.test("importCycles() finds a cycle of three and none in a chain", () => {
  const src = (file: string, local: string[]) => ({ file, text: "", local, bare: [] });
  assert.deepEqual(importCycles([src("a", ["b"]), src("b", ["c"]), src("c", ["a"])]), [[
    "a",
    "b",
    "c",
    "a",
  ]]);
  assert.deepEqual(importCycles([src("a", ["b"]), src("b", ["c"]), src("c", [])]), []);
});

Deno.test("architecture: train/ has one entry point, at most 15 top-level files, no per-family copies", async () => {
  const top: string[] = [];
  for await (const entry of Deno.readDir(new URL("../train/", import.meta.url))) {
    if (entry.isFile) top.push(entry.name);
  }
  assert.ok(top.length <= 15, `${top.length} files at train/'s top level: ${top.sort()}`);
  const trainFiles = all.filter((s) => s.file.split("/")[0] === "train" && !isTest(s.file));
  const entries = trainFiles.filter((s) => /\bimport\.meta\.main\b/.test(s.text)).map((s) =>
    s.file
  );
  assert.deepEqual(entries, ["train/cli.ts"], "files of train/ that run as a program");
  const names = new Set(trainFiles.map((s) => s.file));
  const copies = [...names].filter((file) =>
    /_(cond|image|points)\.ts$/.test(file) &&
    names.has(file.replace(/_(cond|image|points)\.ts$/, ".ts"))
  );
  assert.deepEqual(copies, [], "x_cond.ts / x_image.ts beside x.ts");
});
