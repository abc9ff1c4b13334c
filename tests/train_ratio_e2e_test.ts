import assert from "node:assert/strict";
/**
 * `deno task train-ratio` end to end on the shipped grid25 G with a tiny estimator: the
 * candidate folder verifies against its manifest, keeps G byte for byte, serves the estimator
 * on ONNX Runtime and (FourierFeatures registered) on tfjs-wasm, and records its calibrator,
 * diagnostics and evaluation.
 */

import { isolatedTest } from "../testing/isolated.ts";
import { parseCalibrator } from "../shared/calibrator.ts";
import { readModelFolder } from "../train/model_folder.ts";
import { openBackend } from "../backends/mod.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { registerFourierFeatures } from "../backends/fourier_features.ts";
import { normals } from "../shared/rng.ts";
import { maxAbsDiff } from "../testing/parity.ts";
import { trainer } from "../testing/trainer_cli.ts";

const test = isolatedTest(import.meta.url);

// deno-lint-ignore no-explicit-any
type Json = any;

test("train-ratio CLI writes a servable candidate folder with calibrator and diagnostics", async () => {
  const out = await Deno.makeTempDir();
  try {
    const run = await trainer([
      "train-ratio",
      ...["--model", "models/grid25", "--out", out, "--id", "grid25-tiny"],
      ...["--steps", "40", "--frequencies", "16", "--hidden", "16", "--layers", "1"],
      ...["--calibration-samples", "2000", "--diagnose-samples", "3000", "--acceptance", "0.85"],
    ]);
    assert.deepEqual(run.code, 0, run.stderr.slice(-3000));
    const candidate = await readModelFolder(out); // every file verified against its sha256
    const shipped = await readModelFolder("models/grid25");
    const m = candidate.manifest;
    assert.deepEqual(m.id, "grid25-tiny");
    for (const name of ["generator.onnx", "tfjs/generator/weights.bin"]) {
      assert.deepEqual(candidate.files[name], shipped.files[name], `${name} is the frozen G`);
    }
    assert.ok(
      candidate.files["discriminator.onnx"].length !== shipped.files["discriminator.onnx"].length,
    );
    assert.ok(m.calibrator !== undefined);
    parseCalibrator(m.calibrator);
    const metrics = m.metrics as Json;
    assert.deepEqual(Object.keys(metrics.calibration), ["identity", "platt", "isotonic"]);
    assert.deepEqual(Object.keys(metrics.diagnostics.after.scorers), ["raw", "platt", "isotonic"]);
    assert.deepEqual(metrics.diagnostics.before.scorers.raw.samples, 3000);
    assert.ok(
      metrics.parity.onnxVsWasmMaxAbsLogit <= 1e-5,
      `${metrics.parity.onnxVsWasmMaxAbsLogit}`,
    );
    // The default gamma is set for 85% acceptance on the burn-in.
    assert.ok(Math.abs(m.drs.expectedAcceptance - 0.85) < 1e-4, `${m.drs.expectedAcceptance}`);
    assert.ok(metrics.drs.acceptance > 0.5 && metrics.drs.acceptance < 1);
    const ratio = (m.training as Json).ratioEstimator;
    assert.deepEqual(ratio.config.frequencies, 16);
    // The served logit is capped: no burn-in logit (hence logM) exceeds the cap.
    assert.deepEqual(ratio.cap.percentile, 99.9);
    assert.ok(m.drs.logM <= ratio.cap.value + 1e-5, `${m.drs.logM} > cap ${ratio.cap.value}`);
    assert.deepEqual(
      ratio.baseDiscriminatorSha256,
      shipped.manifest.files["discriminator.onnx"].sha256,
    );
    for (const file of ["calibrator.json", "diagnostics.json", "report.png"]) {
      assert.ok((await Deno.stat(`${out}/${file}`)).size > 0, file);
    }
    // Served like any model. On fixed inputs the two runtimes agree within 1e-5. Through run()
    // each runtime's G output feeds its own D, and a sharp estimator amplifies G's ~1e-6
    // differences, so run() is checked on x and D on the same x.
    registerFourierFeatures();
    const init = {
      latentDim: m.latentDim,
      sampleShape: m.sampleShape,
      readFile: (name: string) => Promise.resolve(candidate.files[name]),
    };
    const z = normals(3, { start: 0, count: 256, dim: m.latentDim });
    const backends = [];
    for (const name of ["onnx", "wasm"] as const) {
      backends.push(await openBackend(name, init, { wasm: { wasmPaths: denoWasmPaths() } }));
    }
    const [onnx, wasm] = backends;
    const fused = await onnx.run(z, 256);
    const d = maxAbsDiff(await wasm.discriminate(fused.x, 256), fused.logits);
    assert.ok(d <= 1e-5, `onnx sampler.onnx vs wasm on the same x: ${d}`);
    assert.ok(maxAbsDiff((await wasm.run(z, 256)).x, fused.x) <= 1e-5);
    for (const backend of backends) await backend.dispose();
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

test("train-ratio --init base-d keeps training the shipped D and serves it capped", async () => {
  const out = await Deno.makeTempDir();
  try {
    const run = await trainer([
      "train-ratio",
      ...["--model", "models/grid25", "--out", out, "--init", "base-d", "--steps", "20"],
      ...["--calibration-samples", "2000", "--diagnose-samples", "2000"],
    ]);
    assert.deepEqual(run.code, 0, run.stderr.slice(-3000));
    const candidate = await readModelFolder(out);
    const json = JSON.parse(
      new TextDecoder().decode(candidate.files["tfjs/discriminator/model.json"]),
    );
    const layers = json.modelTopology.config.layers.map((l: Json) => l.class_name);
    // The shipped D's four dense layers, then the cap (dense, ReLU, dense); no Fourier layer.
    assert.deepEqual(layers, ["Dense", "Dense", "Dense", "Dense", "Dense", "ReLU", "Dense"]);
    assert.ok(candidate.manifest.description!.includes("the same D trained longer"));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

test("train-ratio CLI answers a bad flag with one line naming it, exit code 2", async () => {
  const cases: [string[], string][] = [
    [["train-ratio", "--out", "/tmp/x"], "'--model' is required"],
    [["train-ratio", "--model", "models/grid25"], "'--out' is required"],
    [["train-ratio", "--model", "m", "--out", "o", "--scale", "0"], "'--scale' as it must be"],
    [["train-ratio", "--model", "m", "--out", "o", "--frequencies", "x"], "'--frequencies'"],
    [["train-ratio", "--model", "nowhere", "--out", "o"], "'nowhere/manifest.json' cannot be read"],
    [
      ["train-ratio", "--model", "models/mnist", "--out", "o", "--judge-acceptance", "0.2,2"],
      "'--judge-acceptance' as it must be numbers in (0, 1)",
    ],
    [
      ["train-ratio", "--model", "models/grid25/2", "--out", "o", "--init", "fresh"],
      "'--init fresh' on a 2-D model",
    ],
  ];
  for (const [args, expected] of cases) {
    const run = await trainer(args);
    assert.deepEqual(run.code, 2, args.join(" "));
    const lines = run.stderr.trim().split("\n").filter((l) => !l.startsWith("npm warn"));
    assert.deepEqual(lines.length, 1, run.stderr);
    assert.ok(lines[0].includes(expected), `${lines[0]} should include ${expected}`);
  }
});
