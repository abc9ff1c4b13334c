/**
 * A tiny end-to-end run of the trainer CLI: train -> D-only -> export -> calibrate -> evaluate
 * -> manifest, and the CLI's one-line errors.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseManifestText } from "../shared/manifest.ts";
import { verifyFileBytes } from "../shared/hash.ts";
import { trainer } from "../testing/trainer_cli.ts";

Deno.test("train CLI trains, exports, calibrates and evaluates a tiny ring8 model", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drs-train-" });
  try {
    const args = ["train", "--dataset", "ring8", "--out", dir, "--steps", "120", "--d-steps", "60"];
    const run = await trainer([
      ...args,
      "--burn-in",
      "1000",
      "--eval-samples",
      "1000",
      "--seed",
      "5",
    ]);
    assert.deepEqual(run.code, 0, run.stderr);
    // --out names the model folder: the run is published as its version 1.
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["1"]);
    assert.ok(run.stdout.includes("/1/manifest.json (ring8 version 1,"), run.stdout);
    const text = await Deno.readTextFile(join(dir, "1", "manifest.json"));
    const manifest = parseManifestText(text);
    assert.equal(manifest.kind, "points2d");
    assert.deepEqual(manifest.sampleShape, [2]);
    assert.equal(manifest.training?.seed, 5);
    assert.equal(manifest.training?.config.dataset, "ring8");
    assert.equal(manifest.drs.burnInSamples, 1000);
    assert.equal(manifest.drs.percentile, 95);
    assert.ok(manifest.drs.expectedAcceptance > 0 && manifest.drs.expectedAcceptance <= 1);
    for (const key of ["highQuality", "modesCovered", "kl", "hqStd"]) {
      assert.ok(key in manifest.metrics!.raw && key in manifest.metrics!.drs, key);
    }
    for (
      const name of [
        "generator.onnx",
        "discriminator.onnx",
        "tfjs/generator/model.json",
        "report.png",
      ]
    ) {
      const entry = manifest.files[name];
      assert.ok(entry, `missing ${name}`);
      await verifyFileBytes(name, await Deno.readFile(join(dir, "1", entry.path)), entry);
    }
    const png = await Deno.readFile(join(dir, "1", "report.png"));
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
    assert.ok(run.stdout.includes("| highQuality"), "prints the metrics table");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train CLI answers a bad flag with one line naming it, exit code 2", async () => {
  const cases: [string[], string][] = [
    [["train", "--out", "/tmp/x", "--steps", "abc"], "'--steps' as it must be an integer"],
    [
      ["train", "--out", "/tmp/x", "--dataset", "cifar"],
      "'--dataset' as it must be one of grid25, ring8",
    ],
    [["train", "--dataset", "grid25"], "'--out' is required"],
    [["train", "--out", "/tmp/x", "--stepz", "3"], "--stepz"],
    [["fly"], "Cannot run 'fly' as it is not a command"],
  ];
  for (const [args, expected] of cases) {
    const run = await trainer(args);
    assert.equal(run.code, 2, args.join(" "));
    const lines = run.stderr.trim().split("\n").filter((l) => !l.startsWith("npm warn"));
    assert.equal(lines.length, 1, run.stderr);
    assert.ok(lines[0].includes(expected), `${lines[0]} should include ${expected}`);
  }
});
