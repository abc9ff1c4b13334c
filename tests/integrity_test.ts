/**
 * Loaders refuse a model file whose bytes do not match the manifest (truncated or altered),
 * naming the file and both hashes: the edge registry's load path and the re-calibration path.
 */

import assert from "node:assert/strict";
import { isolatedTest } from "../testing/isolated.ts";
import { openOnnxBackend } from "../backends/onnx_node.ts";
import { fsModelSource } from "../edge/fs_source.ts";
import { loadModel } from "../edge/registry.ts";
import { sha256Hex } from "../shared/hash.ts";
import { recalibrateModel } from "../train/import/recalibrate.ts";
import { calibrateOnnxPair } from "../train/import/byo.ts";
import { denseWeights, mlpOnnx } from "../testing/onnx_fixtures.ts";

const test = isolatedTest(import.meta.url);

async function modelFolder(): Promise<{ root: string; dir: string }> {
  const root = await Deno.makeTempDir();
  const g = mlpOnnx([
    denseWeights({ in: 3, out: 8 }, { seed: 1 }),
    denseWeights({ in: 8, out: 2 }, { seed: 2 }),
  ], {
    input: "z",
    output: "x",
  });
  const d = mlpOnnx([
    denseWeights({ in: 2, out: 8 }, { seed: 3 }),
    denseWeights({ in: 8, out: 1 }, { seed: 4 }),
  ], {
    input: "x",
    output: "logit",
  });
  await Deno.writeFile(`${root}/g.onnx`, g);
  await Deno.writeFile(`${root}/d.onnx`, d);
  const dir = `${root}/models/pair`;
  await calibrateOnnxPair({
    generator: `${root}/g.onnx`,
    discriminator: `${root}/d.onnx`,
    latentDim: 3,
    out: dir,
    samples: 200,
  });
  return { root, dir };
}

/** Rewrites `file` with `change` applied; returns the expected and the new sha256. */
async function corrupt(file: string, change: (bytes: Uint8Array) => Uint8Array) {
  const bytes = await Deno.readFile(file);
  const changed = change(bytes.slice());
  await Deno.writeFile(file, changed);
  return { expected: await sha256Hex(bytes), actual: await sha256Hex(changed) };
}

const changes: [string, (b: Uint8Array) => Uint8Array][] = [
  ["truncated", (b) => b.slice(0, b.length - 10)],
  ["altered", (b) => (b[b.length - 5] ^= 1, b)],
];

test("loadModel() refuses a truncated or altered file, naming it and both hashes", async () => {
  for (const [label, change] of changes) {
    const { dir } = await modelFolder();
    const hashes = await corrupt(`${dir}/generator.onnx`, change);
    const source = fsModelSource(`${dir}/..`);
    await assert.rejects(
      loadModel(source, "pair", (init) => openOnnxBackend(init)),
      (error: Error) => {
        assert.match(
          error.message,
          /^Cannot load 'pair\/generator\.onnx' as its contents do not match/,
        );
        assert.match(
          error.message,
          new RegExp(`expected sha256 ${hashes.expected} .*got sha256 ${hashes.actual}`),
        );
        return true;
      },
      label,
    );
  }
});

test("recalibrateModel() refuses a truncated file, naming it and both hashes", async () => {
  const { dir } = await modelFolder();
  const hashes = await corrupt(`${dir}/discriminator.onnx`, changes[0][1]);
  await assert.rejects(recalibrateModel(dir), (error: Error) => {
    assert.match(error.message, /discriminator\.onnx' as its contents do not match the manifest/);
    assert.match(
      error.message,
      new RegExp(`expected sha256 ${hashes.expected} .*got sha256 ${hashes.actual}`),
    );
    return true;
  });
});

test("recalibrateModel() reproduces the drs block and keeps the other fields", async () => {
  const { dir } = await modelFolder();
  const before = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
  const after = await recalibrateModel(dir);
  assert.deepEqual(after, before);
  const changed = await recalibrateModel(dir, { percentile: 50 });
  assert.deepEqual({ ...changed, drs: before.drs }, before);
  assert.ok(changed.drs.gamma < before.drs.gamma, "a lower percentile gives a lower gamma");
  assert.deepEqual(changed.drs.logM, before.drs.logM);
});
