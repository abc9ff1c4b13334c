import { join } from "node:path";
import assert from "node:assert/strict";
import { existingVersions, stageVersion, writeVersion } from "./publish.ts";

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) out.push(entry.name);
  return out.sort();
}

Deno.test("writeVersion() publishes numbered versions after the flat one, never overwriting", async () => {
  const root = await Deno.makeTempDir({ prefix: "drs-publish-" });
  try {
    const model = join(root, "grid25");
    const first = await writeVersion(model, async (dir) => {
      assert.ok(dir.startsWith(join(model, ".staging-")), dir);
      await Deno.writeTextFile(join(dir, "manifest.json"), "{}");
      return "ok";
    });
    assert.deepEqual([first.result, first.version, first.dir], ["ok", 1, join(model, "1")]);
    assert.deepEqual(await names(model), ["1"]);
    assert.deepEqual(await Deno.readTextFile(join(model, "1", "manifest.json")), "{}");

    // A flat model folder is version 1: the next is 2, then 3.
    const flat = join(root, "mnist");
    await Deno.mkdir(flat);
    await Deno.writeTextFile(join(flat, "manifest.json"), "{}");
    await Deno.mkdir(join(flat, "classifier")); // not a version
    assert.deepEqual(await existingVersions(flat), [1]);
    const [a, b] = await Promise.all([
      writeVersion(flat, (dir) => Deno.writeTextFile(join(dir, "manifest.json"), "a")),
      writeVersion(flat, (dir) => Deno.writeTextFile(join(dir, "manifest.json"), "b")),
    ]);
    assert.deepEqual([a.version, b.version].sort(), [2, 3], "two runs at once get two versions");
    assert.deepEqual(await names(flat), ["2", "3", "classifier", "manifest.json"]);
    assert.deepEqual((await Deno.stat(join(flat, "2"))).mode! & 0o777, 0o755);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeVersion() leaves nothing behind when writing fails", async () => {
  const root = await Deno.makeTempDir({ prefix: "drs-publish-" });
  try {
    const existing = join(root, "kept");
    await Deno.mkdir(join(existing, "1"), { recursive: true });
    let failure: unknown;
    try {
      await writeVersion(existing, async (dir) => {
        await Deno.writeTextFile(join(dir, "generator.onnx"), "half");
        throw new Error("training diverged");
      });
    } catch (error) {
      failure = error;
    }
    assert.deepEqual((failure as Error).message, "training diverged");
    assert.deepEqual(await names(existing), ["1"]);
    await writeVersion(join(root, "new"), () => Promise.reject(new Error("x"))).catch(() => {});
    assert.deepEqual(
      await names(root),
      ["kept"],
      "a model folder made for the failed run is removed",
    );
    const staged = await stageVersion(existing);
    assert.deepEqual((await staged.publish()).version, 2, "an empty numbered folder still counts");
    await staged.discard();
    assert.deepEqual(await names(existing), ["1", "2"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
