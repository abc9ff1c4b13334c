import assert from "node:assert/strict";
import { createRegistry } from "../registry.ts";
import { fakeGridBackend } from "../../testing/fake_backends.ts";
import { fakeModelFiles, fakeOpener } from "../../testing/fake_models.ts";
import { embeddedModelSource } from "./embedded.ts";

Deno.test("embeddedModelSource() lists folders with a manifest and reads copies", async () => {
  const weights = new Uint8Array([1, 2, 3]);
  const source = embeddedModelSource({
    "b/manifest.json": new TextEncoder().encode("{}").buffer,
    "a/manifest.json": new Uint8Array([123, 125]),
    "a/tfjs/g.bin": weights,
    "c/tfjs/g.bin": weights,
  });
  assert.deepEqual(await source.list(), ["a", "b"]);
  const read = await source.read("a", "tfjs/g.bin");
  assert.deepEqual([...read], [1, 2, 3]);
  read[0] = 9;
  assert.equal(weights[0], 1, "the bundled bytes are not handed out");
  assert.equal(new TextDecoder().decode(await source.read("b", "manifest.json")), "{}");
  await assert.rejects(source.read("a", "generator.onnx"), /'a\/generator.onnx' as it is not in/);
});

Deno.test("createRegistry() reads and verifies only the listed files when given files", async () => {
  const grid = await fakeModelFiles("grid", "points2d");
  const files: Record<string, Uint8Array> = {};
  for (const [path, bytes] of grid) {
    if (path !== "discriminator.onnx") files[`grid/${path}`] = bytes;
  }
  const all = createRegistry(embeddedModelSource(files), fakeOpener());
  await all.load();
  assert.match(all.errors()[0]?.message ?? "", /'grid\/discriminator.onnx' as it cannot be read/);

  files["grid/generator.onnx"] = new TextEncoder().encode("tampered");
  const tampered = createRegistry(embeddedModelSource(files), fakeOpener(), {
    files: ["generator.onnx"],
  });
  await tampered.load();
  assert.match(tampered.errors()[0]?.message ?? "", /generator.onnx.*do not match/);

  files["grid/generator.onnx"] = grid.get("generator.onnx")!;
  const read: string[] = [];
  const some = createRegistry(embeddedModelSource(files), async (init) => {
    read.push(new TextDecoder().decode(await init.readFile("generator.onnx")));
    await assert.rejects(init.readFile("discriminator.onnx"), /not among the registry's 'files'/);
    return fakeGridBackend();
  }, { files: ["generator.onnx"] });
  await some.load();
  assert.deepEqual(some.errors(), []);
  assert.deepEqual(some.models().map((m) => m.id), ["grid"]);
  assert.deepEqual(read, ["fake generator of grid"]);
});
