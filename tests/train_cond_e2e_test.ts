/**
 * A tiny end-to-end run of the conditional trainer CLI (`train --arch cond-proj`): a few GAN
 * steps of a small conv pair on MNIST, KeepTraining(D), export, metrics and sample sheet;
 * then the exported ONNX graphs (onnxruntime-node) against the exported TF.js models on fixed
 * inputs, and a resumed run that continues from the checkpoint. The numbers of an 8-step
 * model mean nothing; the files, shapes, parity and the resume do.
 */

import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { normals } from "../shared/rng.ts";
import { verifyFileBytes } from "../shared/hash.ts";
import { parseManifestText } from "../shared/manifest.ts";
import { openBackend } from "../backends/mod.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { sample } from "../sampling/mod.ts";
import { loadTfjsModel } from "../train/export/mod.ts";
import { isolatedTest } from "../testing/isolated.ts";
import { maxAbsDiff } from "../testing/parity.ts";
import { ROOT, trainer } from "../testing/trainer_cli.ts";

const test = isolatedTest(import.meta.url);

const CLASSIFIER = Deno.env.get("DRS_TEST_CLASSIFIER_DIR") ??
  join(ROOT, "models/mnist/classifier");

const TINY = [
  "--dataset",
  "mnist",
  "--arch",
  "cond-proj",
  "--classifier",
  CLASSIFIER,
  "--latent",
  "8",
  "--g-grid",
  "8",
  "--g-convs",
  "7:8,14:4",
  "--d-width",
  "4",
  "--d-features",
  "8",
  "--batch",
  "16",
  "--d-steps",
  "4",
  "--held-out",
  "100",
  "--bn-batches",
  "2",
  "--eval-per-class",
  "10",
  "--eval-real",
  "200",
];

/** ONNX G, D and sampler vs the exported TF.js G and D (cpu) on 6 fixed inputs. */
async function parity(dir: string): Promise<Record<string, number>> {
  await tf.setBackend("cpu");
  const n = 6, labels = [0, 9, 4, 4, 1, 7];
  const z = normals(5, { start: 0, count: n, dim: 8 }); // [n, 8]
  const [g, d] = [
    await loadTfjsModel(join(dir, "tfjs/generator")),
    await loadTfjsModel(join(dir, "tfjs/discriminator")),
  ];
  const [x, logit] = tf.tidy(() => {
    const y = tf.tensor2d(labels, [n, 1], "int32");
    const images = g.predict([tf.tensor2d(z, [n, 8]), y]) as tf.Tensor;
    return [images.dataSync(), (d.predict([images, y]) as tf.Tensor).dataSync()];
  });
  const { InferenceSession, Tensor } = await import("onnxruntime-node");
  const cls = new Tensor("int64", BigInt64Array.from(labels.map(BigInt)), [n]);
  const run = async (file: string, feeds: Record<string, unknown>) => {
    const session = await InferenceSession.create(join(dir, file));
    const out = await session.run(feeds as Parameters<typeof session.run>[0]);
    await session.release();
    return out;
  };
  const zt = new Tensor("float32", z, [n, 8]);
  const xt = new Tensor("float32", Float32Array.from(x), [n, 28, 28, 1]);
  const gOut = await run("generator.onnx", { z: zt, class: cls });
  const dOut = await run("discriminator.onnx", { x: xt, class: cls });
  const sOut = await run("sampler.onnx", { z: zt, class: cls });
  return {
    g: maxAbsDiff(gOut.x.data as Float32Array, x),
    d: maxAbsDiff(dOut.logit.data as Float32Array, logit),
    samplerX: maxAbsDiff(sOut.x.data as Float32Array, x),
    samplerLogit: maxAbsDiff(sOut.logit.data as Float32Array, logit),
  };
}

test("train --arch cond-proj trains, exports (parity <= 1e-5), measures and resumes a tiny model", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drs-cond-" });
  try {
    const first = await trainer(["train", ...TINY, "--out", dir, "--steps", "8"]);
    assert.deepEqual(first.code, 0, first.stderr);
    for (
      const file of [
        "generator.onnx",
        "discriminator.onnx",
        "sampler.onnx",
        "tfjs/generator/model.json",
        "tfjs/discriminator/weights.bin",
        "checkpoint/checkpoint.json",
        "checkpoint/optimizer_g.bin",
        "samples.png",
      ]
    ) {
      assert.ok((await Deno.stat(join(dir, file))).size > 0, file);
    }
    const record = JSON.parse(await Deno.readTextFile(join(dir, "training.json")));
    assert.deepEqual(record.steps, 8);
    assert.ok(record.ganStepsPerSecond > 0 && record.keepTraining.steps <= 4);
    const raw = record.metrics.raw;
    assert.deepEqual(raw.perClass.length, 10);
    assert.ok(Number.isFinite(raw.fd) && raw.classAccuracy >= 0 && raw.classAccuracy <= 1);
    // Sanity row: the classifier on real images is right and their FD is the smallest.
    assert.ok(record.metrics.real.classAccuracy > 0.9, `${record.metrics.real.classAccuracy}`);
    assert.ok(record.metrics.real.fd < raw.fd, `real ${record.metrics.real.fd} vs ${raw.fd}`);

    const diffs = await parity(dir);
    console.log(`  parity: ${JSON.stringify(diffs)}`);
    for (const [k, v] of Object.entries(diffs)) assert.ok(v <= 1e-5, `${k}: ${v}`);

    const again = await trainer(["train", ...TINY, "--out", dir, "--steps", "12"]);
    assert.deepEqual(again.code, 0, again.stderr);
    assert.ok(again.stdout.includes("resumed at step 8"), again.stdout);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, "training.json"))).steps, 12);

    await shipAndServe(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * `ship` turns the run into a model version: per-class DRS constants, per-class metrics, a
 * half-precision TF.js export; both serving runtimes open it and sample a class through the core.
 */
async function shipAndServe(run: string): Promise<void> {
  const models = await Deno.makeTempDir({ prefix: "drs-cond-ship-" });
  try {
    const shipped = await trainer([
      "ship",
      "--run",
      run,
      "--out",
      join(models, "tiny"),
      "--dataset",
      "mnist",
      "--classifier",
      CLASSIFIER,
      "--burn-in",
      "200",
      "--per-class",
      "10",
    ]);
    assert.deepEqual(shipped.code, 0, shipped.stderr);
    const dir = join(models, "tiny", "1");
    const manifest = parseManifestText(await Deno.readTextFile(join(dir, "manifest.json")));
    assert.deepEqual(manifest.classes, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    assert.deepEqual(manifest.drs.classes?.length, 10);
    assert.deepEqual(manifest.drs.classes?.[3].burnInSamples, 200);
    assert.ok(!("sampler.onnx" in manifest.files), "image models ship G and D only");
    for (const entry of Object.values(manifest.files)) {
      await verifyFileBytes(entry.path, await Deno.readFile(join(dir, entry.path)), entry);
    }
    const perClass = manifest.metrics?.perClass as unknown[];
    assert.deepEqual(perClass.length, 10);
    const init = {
      latentDim: manifest.latentDim,
      sampleShape: manifest.sampleShape,
      classes: 10,
      readFile: async (name: string) => {
        if (!manifest.files[name]) throw new Error(`'${name}' is not shipped`);
        return await Deno.readFile(join(dir, manifest.files[name].path));
      },
    };
    const x: Float32Array[] = [];
    for (const name of ["onnx", "wasm"] as const) {
      const backend = await openBackend(name, init, { wasm: { wasmPaths: denoWasmPaths() } });
      try {
        const model = { backend, ...manifest, classes: 10 };
        const result = await sample(model, { seed: 3, n: 4, label: 7, sampler: { kind: "raw" } });
        assert.deepEqual([...result.labels!], [7, 7, 7, 7]);
        x.push(result.x);
      } finally {
        await backend.dispose();
      }
    }
    assert.ok(maxAbsDiff(x[0], x[1]) <= 1e-5, "onnx and wasm give the same class-7 samples");
  } finally {
    await Deno.remove(models, { recursive: true });
  }
}

test("train --arch cond-proj names a bad flag value in one line", async () => {
  const run = await trainer(["train", ...TINY, "--out", "/tmp/never", "--g-convs", "9:4"]);
  assert.deepEqual(run.code, 2);
  assert.ok(
    run.stderr.includes("Cannot use '--g-convs' as it must be at:filters pairs"),
    run.stderr,
  );
});
