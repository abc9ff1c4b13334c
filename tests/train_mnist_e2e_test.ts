/**
 * A tiny end-to-end MNIST run of the trainer CLI (`train --dataset mnist`): GAN phase with a
 * checkpoint, KeepTraining(D), export, calibration and classifier metrics on the ONNX
 * backend, report and manifest; then a resumed run reuses the checkpoint. Uses the shipped
 * classifier; the numbers of a 12-step model mean nothing, the sanity rows do.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseManifestText } from "../shared/manifest.ts";
import { verifyFileBytes } from "../shared/hash.ts";
import { ROOT, trainer } from "../testing/trainer_cli.ts";

const CLASSIFIER = Deno.env.get("DRS_TEST_CLASSIFIER_DIR") ??
  join(ROOT, "models/mnist/classifier");

Deno.test("train --dataset mnist trains, calibrates, evaluates and resumes a tiny model", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drs-mnist-" });
  try {
    const out = join(dir, "model"), checkpoint = join(dir, "ckpt");
    await Deno.mkdir(join(out, "classifier"), { recursive: true });
    for (const name of ["model.json", "weights.bin"]) {
      await Deno.copyFile(join(CLASSIFIER, name), join(out, "classifier", name));
    }
    const args = ["train", "--dataset", "mnist", "--out", out, "--checkpoint", checkpoint];
    const small = [
      "--steps",
      "12",
      "--d-steps",
      "8",
      "--d-lr",
      "1e-3",
      "--burn-in",
      "300",
      "--eval-samples",
      "1000",
    ];
    const run = await trainer([...args, ...small]);
    assert.deepEqual(run.code, 0, run.stderr);
    const v1 = join(out, "1");
    const manifest = parseManifestText(await Deno.readTextFile(join(v1, "manifest.json")));
    assert.deepEqual(manifest.kind, "image");
    assert.deepEqual(manifest.sampleShape, [28, 28, 1]);
    assert.deepEqual(manifest.outputRange, [-1, 1]);
    for (const entry of Object.values(manifest.files)) {
      await verifyFileBytes(entry.path, await Deno.readFile(join(v1, entry.path)), entry);
    }
    assert.ok("report.png" in manifest.files && "classifier/model.json" in manifest.files);
    const metrics = manifest.metrics as unknown as Record<string, Record<string, number>> & {
      reference: Record<string, Record<string, number>>;
    };
    for (const key of ["fd", "inceptionScore", "classKl"]) {
      assert.ok(Number.isFinite(metrics.raw[key]) && Number.isFinite(metrics.drs[key]), key);
    }
    // Sanity rows: real images are near perfect, noise is terrible.
    const { real, noise } = metrics.reference;
    assert.ok(real.fd * 3 < noise.fd, `real FD ${real.fd} vs noise FD ${noise.fd}`);
    assert.ok(real.inceptionScore > 8, `real IS ${real.inceptionScore}`);
    assert.ok(real.classKl < 0.05, `real class KL ${real.classKl}`);
    assert.ok(metrics.drs.acceptance > 0 && metrics.drs.acceptance <= 1);

    const again = await trainer([...args, ...small]);
    assert.deepEqual(again.code, 0, again.stderr);
    assert.ok(again.stdout.includes("resumed the GAN phase"), again.stdout);
    // The second run is version 2 (with its own copy of the classifier); version 1 is untouched.
    const v2 = parseManifestText(await Deno.readTextFile(join(out, "2", "manifest.json")));
    assert.ok("classifier/model.json" in v2.files);
    await Deno.stat(join(out, "2", "classifier", "model.json"));
    const names = [...Deno.readDirSync(out)].map((e) => e.name).sort();
    assert.deepEqual(names, ["1", "2", "classifier"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train --dataset mnist says how to get a missing classifier before training", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drs-mnist-" });
  try {
    const run = await trainer(["train", "--dataset", "mnist", "--out", dir, "--steps", "5"]);
    assert.ok(run.code !== 0);
    assert.ok(run.stderr.includes("classifier/model.json' is missing"), run.stderr);
    assert.ok(!run.stderr.includes("gan "), "failed before training");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
