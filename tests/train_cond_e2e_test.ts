/**
 * A tiny end-to-end run of the one training command on a class-conditional image model
 * (`train --dataset mnist --arch cond-proj`): a few GAN steps of a small conv pair on MNIST,
 * KeepTraining(D), half-precision export, per-class calibration, metrics, report and a
 * published version; the exported ONNX graphs (onnxruntime-node) against the exported TF.js
 * models on fixed inputs; both serving runtimes; a resumed run that continues from the
 * checkpoint; the later stages re-run on the checkpoint alone; and `train-ratio` on the tiny
 * model (a CNN density-ratio estimator in D's place, judged on a classifier). The numbers of an
 * 8-step model mean nothing; the files, shapes, parity and the resume do.
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
  "--burn-in",
  "200",
  "--max-minutes",
  "0",
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

test("train --arch cond-proj trains, exports (parity <= 1e-5), calibrates per class, publishes and resumes a tiny model", async () => {
  const out = await Deno.makeTempDir({ prefix: "drs-cond-" });
  try {
    const first = await trainer(["train", ...TINY, "--out", out, "--steps", "8", "--fused", "on"]);
    assert.deepEqual(first.code, 0, first.stderr);
    const dir = join(out, "1");
    for (
      const file of [
        "1/generator.onnx",
        "1/discriminator.onnx",
        "1/sampler.onnx",
        "1/tfjs/generator/model.json",
        "1/tfjs/discriminator/weights.bin",
        "1/classifier/model.json",
        "1/report.png",
        ".checkpoint/checkpoint.json",
        ".checkpoint/optimizer_g.bin",
      ]
    ) {
      assert.ok((await Deno.stat(join(out, file))).size > 0, file);
    }
    const manifest = parseManifestText(await Deno.readTextFile(join(dir, "manifest.json")));
    assert.deepEqual(manifest.training?.steps, 8);
    assert.ok((manifest.training?.dSteps ?? 99) <= 4);
    assert.deepEqual(manifest.training?.config.precision, "float16");
    assert.deepEqual(manifest.classes, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    assert.deepEqual(manifest.drs.classes?.length, 10);
    assert.deepEqual(manifest.drs.classes?.[3].burnInSamples, 200);
    for (const entry of Object.values(manifest.files)) {
      await verifyFileBytes(entry.path, await Deno.readFile(join(dir, entry.path)), entry);
    }
    const metrics = manifest.metrics as unknown as {
      raw: { fd: number; classAccuracy: number };
      real: { fd: number; classAccuracy: number };
      perClass: unknown[];
    };
    assert.deepEqual(metrics.perClass.length, 10);
    assert.ok(Number.isFinite(metrics.raw.fd) && metrics.raw.classAccuracy >= 0);
    // Sanity row: the classifier on real images is right and their FD is the smallest.
    assert.ok(metrics.real.classAccuracy > 0.9, `${metrics.real.classAccuracy}`);
    assert.ok(metrics.real.fd < metrics.raw.fd, `real ${metrics.real.fd} vs ${metrics.raw.fd}`);

    const diffs = await parity(dir);
    console.log(`  parity: ${JSON.stringify(diffs)}`);
    for (const [k, v] of Object.entries(diffs)) assert.ok(v <= 1e-5, `${k}: ${v}`);
    await serveBothRuntimes(dir);
    await ratioCandidate(dir, join(out, "ratio"));

    const again = await trainer(["train", ...TINY, "--out", out, "--steps", "12"]);
    assert.deepEqual(again.code, 0, again.stderr);
    assert.ok(again.stdout.includes("resumed the GAN phase at step 8"), again.stdout);
    const v2 = parseManifestText(await Deno.readTextFile(join(out, "2", "manifest.json")));
    assert.deepEqual(v2.training?.steps, 12);
    assert.ok(!("sampler.onnx" in v2.files), "image models ship G and D only by default");

    // The later stages again on the checkpoint, without training: version 3 at step 12.
    const later = await trainer(["train", ...TINY, "--out", out, "--from-checkpoint"]);
    assert.deepEqual(later.code, 0, later.stderr);
    const v3 = parseManifestText(await Deno.readTextFile(join(out, "3", "manifest.json")));
    assert.deepEqual(v3.training?.steps, 12);
    await servedVersion(dir, out);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

/**
 * `train-ratio` on the tiny image model: G byte for byte, a CNN estimator in D's place (ONNX
 * against TF.js), per-class DRS constants, both runtimes, and the judgement with its figure.
 */
async function ratioCandidate(dir: string, cand: string): Promise<void> {
  const run = await trainer([
    ...["train-ratio", "--model", dir, "--out", cand, "--steps", "4", "--width", "4"],
    ...["--features", "8", "--burn-in", "200", "--judge", CLASSIFIER, "--eval-per-class", "10"],
  ]);
  assert.deepEqual(run.code, 0, run.stderr);
  const base = parseManifestText(await Deno.readTextFile(join(dir, "manifest.json")));
  const candidate = parseManifestText(await Deno.readTextFile(join(cand, "manifest.json")));
  for (
    const name of ["generator.onnx", "tfjs/generator/model.json", "tfjs/generator/weights.bin"]
  ) {
    assert.deepEqual(await Deno.readFile(join(cand, name)), await Deno.readFile(join(dir, name)));
  }
  assert.notDeepEqual(
    candidate.files["discriminator.onnx"].sha256,
    base.files["discriminator.onnx"].sha256,
  );
  assert.deepEqual(candidate.drs.classes?.length, 10);
  for (const entry of Object.values(candidate.files)) {
    await verifyFileBytes(entry.path, await Deno.readFile(join(cand, entry.path)), entry);
  }
  // The estimator's ONNX graph against its TF.js model on fixed images.
  await tf.setBackend("cpu");
  const n = 4, labels = [0, 3, 9, 3];
  const images = Float32Array.from({ length: n * 784 }, (_, i) => Math.sin(i) * 0.9);
  const estimator = await loadTfjsModel(join(cand, "tfjs/discriminator"));
  const logit = tf.tidy(() =>
    (estimator.predict([
      tf.tensor(images, [n, 28, 28, 1]),
      tf.tensor2d(labels, [n, 1], "int32"),
    ]) as tf.Tensor).dataSync()
  );
  const { InferenceSession, Tensor } = await import("onnxruntime-node");
  const session = await InferenceSession.create(join(cand, "discriminator.onnx"));
  const out = await session.run({
    x: new Tensor("float32", images, [n, 28, 28, 1]),
    class: new Tensor("int64", BigInt64Array.from(labels.map(BigInt)), [n]),
  });
  await session.release();
  assert.ok(maxAbsDiff(out.logit.data as Float32Array, logit) <= 1e-5);
  await serveBothRuntimes(cand);
  const judged = JSON.parse(await Deno.readTextFile(join(cand, "judgement.json")));
  assert.deepEqual(judged.length, 1);
  assert.deepEqual(Object.keys(judged[0].rows), ["raw", "drsWithD", "drsWithEstimator"]);
  for (const row of Object.values(judged[0].rows) as { fd: number; cost: number }[]) {
    assert.ok(Number.isFinite(row.fd) && row.cost >= 1, JSON.stringify(row));
  }
  assert.ok((await Deno.stat(join(cand, "report.png"))).size > 0);
}

/**
 * `evaluate --sampler all --serve` on the tiny model: the chosen row becomes the next version's
 * default (calibrator and DRS constants included), its files verify and both runtimes serve it.
 */
async function servedVersion(dir: string, out: string): Promise<void> {
  const run = await trainer([
    ...["evaluate", "--model", dir, "--sampler", "all", "--classifier", CLASSIFIER],
    ...["--samples", "100", "--seeds", "1", "--only", "raw G,calibrated MH K=4"],
    ...["--serve", "calibrated MH K=4", "--out", out],
  ]);
  assert.deepEqual(run.code, 0, run.stderr);
  assert.match(run.stdout, /published .*4 \(version 4\) serving 'calibrated MH K=4'/);
  assert.match(run.stdout + run.stderr, /calibrator:/);
  const served = join(out, "4");
  const manifest = parseManifestText(await Deno.readTextFile(join(served, "manifest.json")));
  assert.deepEqual(manifest.samplers, { default: "mh", k: 4 });
  assert.ok(manifest.calibrator && manifest.calibrator.kind !== "identity");
  assert.deepEqual(manifest.drs.classes?.length, 10);
  for (const entry of Object.values(manifest.files)) {
    await verifyFileBytes(entry.path, await Deno.readFile(join(served, entry.path)), entry);
  }
  assert.ok("report.png" in manifest.files && "classifier/model.json" in manifest.files);
  await serveBothRuntimes(served);
  const typo = await trainer([
    ...["evaluate", "--model", dir, "--sampler", "all", "--classifier", CLASSIFIER],
    ...["--only", "raw G", "--serve", "MH K=9", "--out", out],
  ]);
  assert.deepEqual(typo.code, 1, typo.stderr);
  assert.match(typo.stderr, /Cannot serve 'MH K=9' as the run has no such setting/);
  assert.doesNotMatch(
    typo.stdout + typo.stderr,
    /calibrator:/,
    "--only names no calibrated setting",
  );
}

/** Both serving runtimes open the version and sample class 7 alike through the core. */
async function serveBothRuntimes(dir: string): Promise<void> {
  const manifest = parseManifestText(await Deno.readTextFile(join(dir, "manifest.json")));
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
}

test("train --arch cond-proj names a bad flag value in one line", async () => {
  const run = await trainer(["train", ...TINY, "--out", "/tmp/never", "--g-convs", "9:4"]);
  assert.deepEqual(run.code, 2);
  assert.ok(
    run.stderr.includes("Cannot use '--g-convs' as it must be at:filters pairs"),
    run.stderr,
  );
});
