/**
 * A calibrated D for a class-conditional image model, as MH-GAN calibrates before sampling: D's
 * logits on held-out real images (with their classes) and on G samples (uniform classes), half
 * to fit Platt and isotonic, half to choose (log loss; `chooseCalibrator`). The calibrated model
 * carries the calibrator and DRS constants re-estimated on calibrated logits (a burn-in per
 * class), so the core's DRS and MH read the calibrated ratio.
 *
 * @module
 */

import type { Backend, ScoringBackend } from "../../backends/mod.ts";
import { calibrateDrs } from "../../shared/calibration.ts";
import { calibrateLogits, type Calibrator } from "../../shared/calibrator.ts";
import type { Manifest } from "../../shared/manifest.ts";
import { modelOf, type SamplerModel, scoreProposals } from "../../sampling/mod.ts";
import { type CalibratorChoice, chooseCalibrator } from "../ratio/choose_calibrator.ts";

/** Options for {@linkcode calibratedImageModel}. */
export interface ImageCalibratorOptions {
  /** G samples scored (as many real images are used, at most the held-out set). @default {10000} */
  samples?: number;
  /** Proposals of each class's burn-in on the calibrated logits. @default {10000} */
  burnIn?: number;
  /** Seed of the G samples (apart from burn-in, evaluation and serving seeds). @default {0xca1} */
  seed?: number;
}

/** What {@linkcode calibratedImageModel} found. */
export interface CalibratedImageModel {
  choice: CalibratorChoice;
  /** The calibrator the curve uses: the chosen one, or Platt when the identity was chosen. */
  calibrator: Calibrator;
  model: SamplerModel;
}

function halves(a: Float32Array): [Float32Array, Float32Array] {
  const mid = a.length >> 1;
  return [a.subarray(0, mid), a.subarray(mid)];
}

/** Fits and chooses a calibrator for `manifest`'s D on `held` images; re-estimates DRS on it. */
export async function calibratedImageModel(
  backend: ScoringBackend,
  manifest: Manifest,
  held: { images: Float32Array; labels: ArrayLike<number> },
  options: ImageCalibratorOptions = {},
): Promise<CalibratedImageModel> {
  const classes = manifest.classes?.length ?? 0;
  const count = Math.min(options.samples ?? 10_000, held.labels.length);
  const size = manifest.sampleShape.reduce((a, b) => a * b, 1);
  const real = new Float32Array(count);
  for (let start = 0; start < count; start += 1000) {
    const n = Math.min(1000, count - start);
    // [n, 28, 28, 1] + classes [n] -> logits [n]
    real.set(
      await backend.discriminate(held.images.subarray(start * size, (start + n) * size), n, {
        classes: Int32Array.from(
          { length: n },
          (_, i) => held.labels[start + i],
        ),
      }),
      start,
    );
  }
  const shapes = { backend, latentDim: manifest.latentDim, classes };
  const fake = await scoreProposals(shapes, { seed: options.seed ?? 0xca1, count });
  const [realFit, realCheck] = halves(real), [fakeFit, fakeCheck] = halves(fake);
  const choice = chooseCalibrator(
    { real: realFit, fake: fakeFit },
    { real: realCheck, fake: fakeCheck },
  );
  const calibrator = choice.chosen.kind === "identity" && choice.scores.platt
    ? choice.scores.platt.calibrator
    : choice.chosen;
  return {
    choice,
    calibrator,
    model: await withCalibrator(backend, manifest, calibrator, { burnIn: options.burnIn }),
  };
}

/**
 * `manifest`'s model on `backend` with `calibrator` mapping D's logit, its DRS constants
 * (per class when conditional) re-estimated on the calibrated logits of a fresh burn-in.
 */
export async function withCalibrator(
  backend: Backend,
  manifest: Manifest,
  calibrator: Calibrator,
  options: { burnIn?: number } = {},
): Promise<SamplerModel> {
  const classes = manifest.classes?.length ?? 0;
  const shapes = { backend, latentDim: manifest.latentDim, classes };
  const burnIn = options.burnIn ?? 10_000, percentile = manifest.drs.percentile;
  const burn = async (label?: number) =>
    calibrateDrs(
      calibrateLogits(
        await scoreProposals(shapes, { seed: 0x5eed, count: burnIn, label }),
        calibrator,
      ),
      { percentile, epsilon: manifest.drs.epsilon },
    );
  const lanes = [];
  for (let c = 0; c < classes; c++) {
    const { epsilon: _e, percentile: _p, ...lane } = await burn(c);
    lanes.push(lane);
  }
  const drs = { ...await burn(), ...(classes ? { classes: lanes } : {}) };
  return modelOf({ ...manifest, drs, calibrator }, backend);
}
