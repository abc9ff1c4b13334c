/**
 * Diagnostics of a 2D model's discriminator through the serving {@linkcode Backend}: held-out
 * real points of the mixture and fresh generator samples from a latent stream of their own,
 * labelled by nearest mode.
 *
 * @module
 */

import type { ScoringBackend } from "../../backends/mod.ts";
import type { Calibrator } from "../../shared/calibrator.ts";
import { normals } from "../../shared/rng.ts";
import { type Mixture, samplePoints } from "../data/gaussians.ts";
import { pointLabels } from "../evaluate/points.ts";
import { diagnoseLogits, type Diagnostics } from "./mod.ts";

/** Latent stream of the diagnostic G samples (apart from serving, burn-in and training). */
export const DIAGNOSE_LATENT_STREAM = 50;

/** Options for {@linkcode diagnosePointModel}. */
export interface DiagnosePointOptions {
  /** Generator samples, and as many held-out real points. @default {200000} */
  samples?: number;
  /** Seed of the latents and of the real points. @default {0xd1a6} */
  seed?: number;
  /** Samples per backend call. @default {8192} */
  batch?: number;
  /** Calibrated scorers to diagnose besides the raw logit, by name. @default {{}} */
  calibrators?: Record<string, Calibrator>;
}

/** Diagnostics of the raw logit (`raw`) and of each calibrated one, on the same samples. */
export interface PointDiagnostics {
  seed: number;
  samples: number;
  scorers: Record<string, Diagnostics>;
}

/** Scores `samples` G samples and as many real points; diagnoses each scorer. */
export async function diagnosePointModel(
  backend: ScoringBackend,
  model: { mix: Mixture; latentDim: number },
  options: DiagnosePointOptions = {},
): Promise<PointDiagnostics> {
  const samples = options.samples ?? 200_000;
  const seed = options.seed ?? 0xd1a6;
  const batch = options.batch ?? 8192;
  if (!Number.isInteger(samples) || samples < 100) {
    throw new RangeError(
      `Cannot diagnose as 'samples' must be an integer >= 100: current value is ${samples}`,
    );
  }
  const x = new Float32Array(samples * 2), fake = new Float32Array(samples);
  const realLogits = new Float32Array(samples);
  for (let start = 0; start < samples; start += batch) {
    const count = Math.min(batch, samples - start);
    const z = normals(seed, { start, count, dim: model.latentDim }, {
      stream: DIAGNOSE_LATENT_STREAM,
    }); // [count, latentDim]
    const out = await backend.run(z, count); // x [count, 2], logits [count]
    x.set(out.x, start * 2);
    fake.set(out.logits, start);
    const real = samplePoints(model.mix, seed, { start, count }); // [count, 2]
    realLogits.set(await backend.discriminate(real, count), start);
  }
  const input = { real: realLogits, fake, labels: pointLabels(x, model.mix) };
  const scorers: Record<string, Diagnostics> = { raw: diagnoseLogits(input) };
  for (const [name, calibrator] of Object.entries(options.calibrators ?? {})) {
    scorers[name] = diagnoseLogits(input, { calibrator });
  }
  return { seed, samples, scorers };
}
