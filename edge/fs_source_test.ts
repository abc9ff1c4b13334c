import assert from "node:assert/strict";
import { fsModelSource } from "./fs_source.ts";

Deno.test("fsModelSource() reads regular files only, refusing links, devices and oversize files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drs-fs-source-" });
  try {
    await Deno.mkdir(`${dir}/m/1`, { recursive: true });
    await Deno.writeTextFile(`${dir}/m/1/manifest.json`, "{}");
    await Deno.writeFile(`${dir}/m/1/big.bin`, new Uint8Array(2048));
    await Deno.writeTextFile(`${dir}/secret.txt`, "not a model file");
    await Deno.symlink("/dev/zero", `${dir}/m/1/zero.onnx`);
    await Deno.symlink(`${dir}/secret.txt`, `${dir}/m/1/out.onnx`);
    const source = fsModelSource(dir, { maxFileBytes: 1024 });
    assert.equal(new TextDecoder().decode(await source.read("m", "1/manifest.json")), "{}");
    for (
      const [path, message] of [
        ["1/zero.onnx", /symbolic link/],
        ["1/out.onnx", /symbolic link/],
        ["1/big.bin", /2048 bytes, over 1024/],
        ["1/missing.onnx", /no such file/],
        ["../secret.txt", /leaves the models folder/],
      ] as const
    ) {
      await assert.rejects(source.read("m", path), (error: Error) => {
        assert.match(error.message, message, path);
        assert.ok(!error.message.includes(dir), "no absolute path in the message");
        return true;
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
