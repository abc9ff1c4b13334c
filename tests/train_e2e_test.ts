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
    // --out names the model folder: the run is published as its version 1 (the GAN phase's
    // checkpoint beside it, a dot folder the server skips).
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [".checkpoint", "1"]);
    const id = dir.split("/").pop();
    assert.ok(run.stdout.includes(`/1/manifest.json (${id} version 1,`), run.stdout);
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

Deno.test("every train/cli.ts command answers --help with its flags, defaults and an example", async () => {
  const top = await trainer(["--help"]);
  assert.equal(top.code, 0, top.stderr);
  const commands = ["train", "train-ratio", "import", "calibrate", "evaluate", "diagnose"];
  for (const command of [...commands, "classifier"]) {
    assert.ok(top.stdout.includes(`  ${command} `), `${command} listed`);
  }
  for (const command of [...commands, "classifier"]) {
    const run = await trainer([command, "--help"]);
    assert.equal(run.code, 0, `${command}: ${run.stderr}`);
    assert.ok(run.stdout.includes("usage: deno task"), `${command}: ${run.stdout}`);
    assert.ok(run.stdout.includes("example"), `${command} shows an example`);
    assert.ok(run.stdout.includes("(default: "), `${command} shows defaults`);
  }
  const train = await trainer(["train", "--help"]);
  for (
    const flag of [
      "--dataset grid25|ring8|mnist|fashion",
      "--arch",
      "--classifier",
      "--max-minutes",
      "--preset",
      "--precision",
    ]
  ) {
    assert.ok(train.stdout.includes(flag), `train --help names ${flag}`);
  }
  assert.ok(train.stdout.includes("presets: fashion, grid25, mnist, ring8"), train.stdout);
});
