/**
 * Validation sweep of KeepTraining(D) for an image checkpoint: for each D-only length, restarts
 * from the checkpointed G and D, runs keepTrainingD, exports to ONNX, calibrates at each gamma
 * percentile and compares raw G vs DRS by classifier FD against the HELD-OUT TRAINING images
 * (never the test split), with an evaluation seed apart from the final one. One JSON line per
 * setting.
 *
 *   deno run -A train/sweep_keep_training.ts --checkpoint DIR --steps 100,400 --lr 1e-5
 *     [--percentiles 90,95] [--classifier models/mnist/classifier] [--samples 5000]
 *
 * @module
 */

import { join } from "node:path";
import { openOnnxBackend } from "../backends/onnx_node.ts";
import { loadLayersModelFromBytes } from "../backends/tfjs_load.ts";
import { calibrateDrs } from "../shared/calibration.ts";
import { burnInLogits } from "./calibrate.ts";
import { classify } from "./classifier/features.ts";
import { parseFlags, requireFlag } from "./cli_args.ts";
import { resolveImageConfig } from "./config_image.ts";
import { loadMnist, mnistSource, scaledPixels } from "./data/mnist.ts";
import { collectSamples } from "./evaluate/collect.ts";
import { imageMetrics, referenceStats } from "./evaluate/images.ts";
import { exportModelPair } from "./export/mod.ts";
import { disposeGan, ganPhase } from "./image_checkpoint.ts";
import { keepTrainingD } from "./loop.ts";
import { setupTf } from "./tf_setup.ts";
import { installWasmMatMulFix } from "./wasm_matmul.ts";

const FLAGS = {
  checkpoint: { type: "string" },
  steps: { type: "string" },
  lr: { type: "number", min: 0 },
  percentiles: { type: "string" },
  classifier: { type: "string" },
  samples: { type: "int", min: 100, max: 5000 },
} as const;

async function main(args: string[]): Promise<void> {
  const f = parseFlags(args, FLAGS);
  const checkpoint = requireFlag(f.checkpoint as string | undefined, "checkpoint", "a folder");
  const schedule = String(f.steps ?? "0,100,400").split(",").map(Number);
  const percentiles = String(f.percentiles ?? "95").split(",").map(Number);
  const lr = (f.lr as number | undefined) ?? 1e-5;
  const n = (f.samples as number | undefined) ?? 5000;
  const cdir = (f.classifier as string | undefined) ?? "models/mnist/classifier";
  if (await setupTf("wasm") === "wasm") installWasmMatMulFix();
  const config = resolveImageConfig({});
  const train = await loadMnist("train");
  const data = mnistSource(train, { heldOut: config.heldOut, seed: config.seed });
  const names = { modelJson: join(cdir, "model.json"), weights: join(cdir, "weights.bin") };
  const classifier = await loadLayersModelFromBytes({
    modelJson: await Deno.readFile(names.modelJson),
    weights: await Deno.readFile(names.weights),
  }, names);
  // The held-out training images (the last config.heldOut of the split): the reference.
  const start = train.count - config.heldOut;
  const reference = referenceStats(classify(classifier, scaledPixels(train, start, n), n), n);
  const score = (x: Float32Array) => imageMetrics(classify(classifier, x, n), n, reference);
  const run = { batch: config.batch, seed: config.seed, latentDim: config.latentDim };
  for (const dSteps of schedule) {
    const { gan } = await ganPhase(config, data, { checkpoint, log: () => {} });
    const keep = await keepTrainingD(gan, data, { ...run, steps: dSteps }, {
      lr,
      evalEvery: config.dEvalEvery,
      patience: config.dPatience,
      checkSize: Math.min(4096, config.heldOut),
    });
    const dir = await Deno.makeTempDir({ prefix: "drs-sweep-" });
    const files = await exportModelPair(gan, dir, { tfjs: false });
    disposeGan(gan);
    const backend = await openOnnxBackend({
      latentDim: config.latentDim,
      sampleShape: [28, 28, 1],
      readFile: (name) => Deno.readFile(join(dir, files[name].path)),
    });
    try {
      const logits = await burnInLogits(backend, config.latentDim, { samples: config.burnIn });
      const model = { backend, latentDim: config.latentDim, sampleShape: [28, 28, 1] };
      const rawRun = await collectSamples({ ...model, drs: calibrateDrs(logits) }, n, {
        seed: 99,
        sampler: { kind: "raw" },
      });
      const raw = score(rawRun.x);
      for (const q of percentiles) {
        const drs = calibrateDrs(logits, { percentile: q });
        const c = await collectSamples({ ...model, drs }, n, { seed: 99 });
        const m = score(c.x);
        console.log(JSON.stringify({
          dSteps,
          lr,
          heldOutBce: keep.heldOutLossAfter,
          percentile: q,
          acceptance: c.stats.acceptanceRate,
          fdRaw: raw.fd,
          fdDrs: m.fd,
          fdGain: 1 - m.fd / raw.fd,
          isRaw: raw.inceptionScore,
          isDrs: m.inceptionScore,
          classKlRaw: raw.classKl,
          classKlDrs: m.classKl,
        }));
      }
    } finally {
      await backend.dispose();
      await Deno.remove(dir, { recursive: true });
    }
  }
  classifier.dispose();
}

if (import.meta.main) await main(Deno.args);
