/**
 * A candidate model folder with a trained density-ratio estimator in place of D:
 * base model (frozen G) -> train the estimator (tfjs) -> export (ONNX, fused sampler, TF.js)
 * -> parity ONNX vs wasm -> fit and choose a calibrator -> DRS constants -> diagnostics of the
 * base D and of the estimator -> raw vs DRS evaluation and figure -> manifest.
 * Everything after training runs on the exported files through the serving backends.
 *
 * @module
 */

import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { openOnnxBackend } from "../../backends/onnx_node.ts";
import { openWasmBackend } from "../../backends/tfjs_wasm.ts";
import { loadLayersModelFromBytes } from "../../backends/tfjs_load.ts";
import type { ScoringBackend } from "../../backends/mod.ts";
import { registerFourierFeatures } from "../../backends/fourier_features.ts";
import type { Manifest } from "../../shared/manifest.ts";
import {
  calibrateDrs,
  estimateLogM,
  percentile,
  percentileForAcceptance,
} from "../../shared/calibration.ts";
import { computeF } from "../../shared/drs.ts";
import { assertLogits, burnInLogits } from "../calibrate.ts";
import { mixture, type MixtureName, samplePoints } from "../data/gaussians.ts";
import { diagnosePointModel } from "../diagnose/run_points.ts";
import { evaluatePointModel, formatMetricsTable } from "../evaluate/run_points.ts";
import type { Progress } from "../gan/keep_training.ts";
import { writePointReport } from "../evaluate/report_points.ts";
import { setupTf } from "../tf_setup.ts";
import { installWasmMatMulFix } from "../tfjs_wasm/wasm_matmul.ts";
import { writeManifest } from "../write_manifest.ts";
import { readModelFolder } from "../model_folder.ts";
import { chooseCalibrator } from "./choose_calibrator.ts";
import { exportRatioCandidate } from "./export.ts";
import { buildRatioEstimator, withLogitCap } from "./model.ts";
import { DEFAULT_RATIO_RUN, type RatioRunConfig } from "./run_config.ts";
import { pointRatioSources, ratioFakeSamples, ratioRealPoints } from "./sources.ts";
import { trainRatioEstimator } from "./train.ts";

/** Options for {@linkcode buildRatioCandidate}. */
export interface RatioPipelineOptions {
  /** Overrides of {@linkcode DEFAULT_RATIO_RUN}. */
  config?: Partial<RatioRunConfig>;
  /** Model id of the candidate. @default {`${base id}-ratio`} */
  id?: string;
  onProgress?: (p: Progress) => void;
  /** @default {console.log} */
  log?: (line: string) => void;
}

/** The base model's TF.js discriminator, to keep training it instead of a fresh estimator. */
async function baseDiscriminator(files: Record<string, Uint8Array>): Promise<tf.Sequential> {
  const names = {
    modelJson: "tfjs/discriminator/model.json",
    weights: "tfjs/discriminator/weights.bin",
  };
  const model = await loadLayersModelFromBytes(
    { modelJson: files[names.modelJson], weights: files[names.weights] },
    names,
  );
  if (!(model instanceof tf.Sequential)) {
    throw new RangeError("Cannot keep training the base D as it is not a Sequential model");
  }
  return model;
}

/** Largest |onnx - wasm| logit on real and fake points (the wasm loader needs the layer). */
async function parity(
  onnx: ScoringBackend,
  wasm: ScoringBackend,
  points: Float32Array,
): Promise<number> {
  const n = points.length / 2;
  const [a, b] = [await onnx.discriminate(points, n), await wasm.discriminate(points, n)];
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return Number.isNaN(max) ? Infinity : max;
}

/** Builds the candidate folder `outDir` for the model in `modelDir`; returns its manifest. */
export async function buildRatioCandidate(
  modelDir: string,
  outDir: string,
  options: RatioPipelineOptions = {},
): Promise<Manifest> {
  const log = options.log ?? console.log;
  const config = { ...DEFAULT_RATIO_RUN, ...options.config };
  const t0 = performance.now();
  const base = await readModelFolder(modelDir);
  const dataset = base.manifest.training?.config.dataset as MixtureName | undefined;
  if (base.manifest.kind !== "points2d" || (dataset !== "grid25" && dataset !== "ring8")) {
    throw new RangeError(
      `Cannot build a ratio estimator for '${base.manifest.id}' as only 2D models of a known ` +
        `mixture are supported: kind '${base.manifest.kind}', dataset '${dataset}'`,
    );
  }
  const mix = mixture(dataset);
  const { latentDim, sampleShape } = base.manifest;
  const tfBackend = await setupTf(config.backend);
  if (tfBackend === "wasm") installWasmMatMulFix(); // dense backward passes use transposes
  const baseBackend = await openOnnxBackend({
    latentDim,
    sampleShape,
    readFile: (name) => Promise.resolve(base.files[name]),
  });
  let candidate: ScoringBackend | undefined, wasm: ScoringBackend | undefined;
  try {
    const shape = { latentDim, seed: config.seed };
    const estimator = config.init === "base-d"
      ? await baseDiscriminator(base.files)
      : buildRatioEstimator(2, { ...config, name: "discriminator" });
    log(
      `ratio estimator for ${base.manifest.id} on tfjs-${tfBackend}: ` +
        (config.init === "base-d"
          ? "the base model's D (KeepTraining)"
          : `${config.frequencies} frequencies (scale ${config.scale}), ${config.layers} x ` +
            `${config.hidden}`) +
        `, up to ${config.steps} steps of ${config.batch} real + ${config.fakeBatch} fake` +
        (config.emaDecay > 0 ? `, weight average ${config.emaDecay}` : ""),
    );
    const training = await trainRatioEstimator(
      estimator,
      pointRatioSources(mix, baseBackend, shape),
      { ...config, onProgress: options.onProgress },
    );
    log(
      `trained ${training.steps} steps in ${training.seconds.toFixed(0)} s ` +
        `(${training.stepsPerSecond.toFixed(1)} steps/s), held-out BCE ` +
        `${training.heldOutLossBefore.toFixed(4)} -> ${training.heldOutLossAfter.toFixed(4)} ` +
        `(best step ${training.bestStep})`,
    );
    const count = config.calibrationSamples;
    let served = estimator, cap: { percentile: number; value: number } | undefined;
    if (config.capPercentile < 100) {
      const fakes = await ratioFakeSamples(baseBackend, shape, {
        stream: "calibrate",
        start: 0,
        count,
      }); // [count, 2]
      const logits = tf.tidy(() =>
        (estimator.predict(tf.tensor2d(fakes, [count, 2])) as tf.Tensor).dataSync()
      );
      cap = { percentile: config.capPercentile, value: percentile(logits, config.capPercentile) };
      served = withLogitCap(estimator, cap.value);
      log(`logit capped at ${cap.value.toFixed(3)} (percentile ${cap.percentile} on G samples)`);
    }
    await Deno.mkdir(outDir, { recursive: true });
    const files = await exportRatioCandidate(served, base.files, outDir);
    const readFile = (name: string) => Deno.readFile(join(outDir, files[name].path));
    candidate = await openOnnxBackend({ latentDim, sampleShape, readFile });
    registerFourierFeatures();
    wasm = await openWasmBackend({ latentDim, sampleShape, readFile });

    const logitsOf = async (stream: "calibrate" | "check") => ({
      real: await candidate!.discriminate(
        ratioRealPoints(mix, config.seed, { stream, start: 0, count }),
        count,
      ),
      fake: await candidate!.discriminate(
        await ratioFakeSamples(baseBackend, shape, { stream, start: 0, count }),
        count,
      ),
    });
    const check = await logitsOf("check");
    const onnxVsWasm = await parity(
      candidate,
      wasm,
      ratioRealPoints(mix, config.seed, { stream: "check", start: 0, count: 4096 }),
    );
    log(`parity: max |logit onnx - wasm| ${onnxVsWasm.toExponential(2)} on 4096 real points`);
    const calibration = chooseCalibrator(await logitsOf("calibrate"), check);
    for (const [kind, s] of Object.entries(calibration.scores)) {
      log(
        `calibrator ${kind.padEnd(8)} on the check set: log loss ${s.check.logLoss.toFixed(4)}, ` +
          `Brier ${s.check.brier.toFixed(4)}, ECE ${s.check.ece.toFixed(4)}`,
      );
    }
    for (const [kind, reason] of Object.entries(calibration.failed)) {
      log(`calibrator ${kind} left out: ${reason}`);
    }
    log(`chosen calibrator: ${JSON.stringify(calibration.chosen).slice(0, 200)}`);

    const burnIn = await burnInLogits(candidate, latentDim, {
      samples: base.manifest.drs.burnInSamples,
    });
    assertLogits(burnIn);
    const epsilon = base.manifest.drs.epsilon;
    let q = config.percentile ?? base.manifest.drs.percentile;
    if (config.acceptance !== undefined) {
      const logM = estimateLogM(burnIn);
      q = percentileForAcceptance(
        config.acceptance,
        Array.from(burnIn, (l) => computeF(l, logM, { epsilon })),
      );
    }
    const drs = calibrateDrs(burnIn, { percentile: q, epsilon });
    log(
      `DRS: logM ${drs.logM.toFixed(3)}, gamma ${drs.gamma.toFixed(3)} (F percentile ` +
        `${q.toFixed(2)}), expected acceptance ${(drs.expectedAcceptance * 100).toFixed(1)}%`,
    );
    const diagnose = { samples: config.diagnoseSamples };
    const before = await diagnosePointModel(baseBackend, { mix, latentDim }, diagnose);
    const calibrators = Object.fromEntries(
      Object.entries(calibration.scores)
        .filter(([kind]) => kind !== "identity")
        .map(([kind, s]) => [kind, s.calibrator]),
    );
    const after = await diagnosePointModel(candidate, { mix, latentDim }, {
      ...diagnose,
      calibrators,
    });
    const evaluation = await evaluatePointModel({
      backend: candidate,
      mix,
      latentDim,
      sampleShape,
      drs,
    });
    log(formatMetricsTable(evaluation.raw, evaluation.drs));
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
    const report = await writePointReport(outDir, {
      real: samplePoints(mix, 7, { start: 0, count: evaluation.samples }),
      raw: evaluation.rawPoints,
      drs: evaluation.drsPoints,
      mix,
      captions: [
        `${evaluation.samples} SAMPLES`,
        `HQ ${pct(evaluation.raw.highQuality)} KL ${evaluation.raw.kl.toFixed(3)}`,
        `RATIO EST HQ ${pct(evaluation.drs.highQuality)} KL ${evaluation.drs.kl.toFixed(3)} ` +
        `ACC ${pct(evaluation.drs.acceptance)}`,
      ],
    });
    const diagnostics = { before, after };
    await Deno.writeTextFile(
      join(outDir, "calibrator.json"),
      JSON.stringify(calibration, null, 2) + "\n",
    );
    await Deno.writeTextFile(
      join(outDir, "diagnostics.json"),
      JSON.stringify(diagnostics, null, 2) + "\n",
    );
    const { version: _v, createdAt: _c, ...draft } = base.manifest;
    return await writeManifest(outDir, {
      ...draft,
      id: options.id ?? `${base.manifest.id}-ratio`,
      description: `${base.manifest.description ?? base.manifest.id}; D replaced by ` +
        (config.init === "base-d"
          ? "the same D trained longer with G frozen"
          : `a random Fourier feature density-ratio estimator (${config.frequencies} x ` +
            `sin/cos, scale ${config.scale}, ${config.layers} x ${config.hidden} MLP)`) +
        (cap ? `, logit capped at its G-sample percentile ${cap.percentile}` : ""),
      drs,
      calibrator: calibration.chosen,
      files: { ...files, ...report },
      metrics: {
        samples: evaluation.samples,
        seed: evaluation.seed,
        runtime: candidate.name,
        raw: evaluation.raw,
        drs: evaluation.drs,
        diagnostics,
        calibration: calibration.scores,
        ...(Object.keys(calibration.failed).length > 0
          ? { calibrationFailed: calibration.failed }
          : {}),
        parity: { onnxVsWasmMaxAbsLogit: onnxVsWasm, points: 4096 },
      },
      training: {
        ...(base.manifest.training ?? { config: {}, steps: 0, seconds: 0, seed: 0 }),
        ratioEstimator: {
          base: base.manifest.id,
          baseDiscriminatorSha256: base.manifest.files["discriminator.onnx"].sha256,
          config: { ...config },
          backend: `tfjs-${tfBackend}`,
          cap,
          ...training,
          pipelineSeconds: (performance.now() - t0) / 1000,
        },
      },
    });
  } finally {
    await baseBackend.dispose();
    await candidate?.dispose();
    await wasm?.dispose();
    tf.disposeVariables();
  }
}
