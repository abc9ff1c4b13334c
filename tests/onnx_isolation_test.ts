/**
 * onnxruntime-node stays out of the shared `deno test` process (testing/isolated.ts says why):
 * every test module that can load it registers its tests with `isolatedTest(import.meta.url)`.
 * "Can load" is read from the module graph `deno info --json` gives for all test modules at
 * once: static imports, dynamic imports of a literal path, and the Workers a module starts from
 * a literal `new URL("...", import.meta.url)`. A path built at run time is not seen.
 */

import assert from "node:assert/strict";
import { repoPath, ROOT, sourceFiles } from "../testing/source_files.ts";

const ORT = /^npm:\/?onnxruntime-node@/;
const ISOLATED = new URL("testing/isolated.ts", ROOT).href;
/** Test files as `deno test` finds them. */
const TEST_FILE = /(^|[._])test\.(ts|tsx|mts|js|mjs|jsx)$/;
const WORKER = /new Worker\([^;]*?new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url\s*\)/gs;

/**
 * Modules that reach onnxruntime-node only through a dynamic import they never take, and why.
 * A module here that imports it statically, or no longer reaches it, fails the test.
 */
const NEVER_LOADS: Record<string, string> = {
  "backends/open_test.ts": "resolveBackend() runs with an injected opener",
  "tests/workerd_test.ts": "imports scripts/build_worker.ts, which only bundles; servers run in " +
    "subprocesses",
  "tests/import_workerd_test.ts": "imports scripts/build_worker.ts, which only bundles; imports " +
    "and servers run in subprocesses",
};

interface Edge {
  to: string;
  dynamic: boolean;
}

/** Code edges of every module reachable from `roots` (type-only imports left out). */
async function moduleGraph(roots: string[]): Promise<Map<string, Edge[]>> {
  const dir = await Deno.makeTempDir({ prefix: "drs_onnx_isolation_" });
  try {
    const root = `${dir}/root.ts`;
    await Deno.writeTextFile(root, roots.map((r) => `import "${r}";\n`).join(""));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", new URL("deno.json", ROOT).pathname, root],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const graph: {
      modules: {
        specifier: string;
        dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
      }[];
    } = JSON.parse(new TextDecoder().decode(out.stdout));
    return new Map(graph.modules.map((m) => [
      m.specifier,
      (m.dependencies ?? []).flatMap((d) =>
        d.code ? [{ to: d.code.specifier, dynamic: d.isDynamic === true }] : []
      ),
    ]));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** True when `from` reaches onnxruntime-node (through static imports only, unless `dynamic`). */
function reachesOrt(graph: Map<string, Edge[]>, from: string, dynamic: boolean): boolean {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) {
    for (const edge of graph.get(queue.pop()!) ?? []) {
      if (edge.dynamic && !dynamic) continue;
      if (ORT.test(edge.to)) return true;
      if (!seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return false;
}

Deno.test("isolatedTest() wraps every test module that can load onnxruntime-node, and only those", async () => {
  const tests: URL[] = [];
  const workers = new Map<string, string[]>();
  const sources = new Map<string, string>();
  for await (const file of sourceFiles()) {
    const text = await Deno.readTextFile(file);
    sources.set(file.href, text);
    if (TEST_FILE.test(file.pathname.split("/").pop()!)) tests.push(file);
    const started = [...text.matchAll(WORKER)].map((m) => new URL(m[1], file).href);
    if (started.length) workers.set(file.href, started);
  }
  const graph = await moduleGraph([...tests.map((t) => t.href), ...[...workers.values()].flat()]);
  for (const [from, entries] of workers) {
    graph.get(from)?.push(...entries.map((to) => ({ to, dynamic: true })));
  }

  const shared: string[] = [];
  const needless: string[] = [];
  const listed = new Set<string>();
  for (const test of tests) {
    const name = repoPath(test);
    const isolated = graph.get(test.href)!.some((e) => e.to === ISOLATED && !e.dynamic) &&
      /\bisolatedTest\(import\.meta\.url\)/.test(sources.get(test.href)!);
    const anyPath = reachesOrt(graph, test.href, true);
    const staticPath = anyPath && reachesOrt(graph, test.href, false);
    if (name in NEVER_LOADS) {
      listed.add(name);
      assert.ok(anyPath, `${name} no longer reaches onnxruntime-node: drop it from NEVER_LOADS`);
      assert.ok(!staticPath, `${name} imports onnxruntime-node statically: ${NEVER_LOADS[name]}?`);
    } else if (anyPath && !isolated) {
      shared.push(`${name}${staticPath ? " (static import)" : ""}`);
    } else if (isolated && !anyPath) {
      needless.push(name);
    }
  }
  assert.deepEqual(
    shared,
    [],
    "these test modules can load onnxruntime-node in the shared test process: register their " +
      "tests with isolatedTest(import.meta.url) (testing/isolated.ts)",
  );
  assert.deepEqual(needless, [], "isolatedTest() without onnxruntime-node in the module graph");
  assert.deepEqual([...listed].sort(), Object.keys(NEVER_LOADS).sort(), "NEVER_LOADS entries");
});
