/**
 * Samples for the ratio estimator of a 2D model: real points of the mixture and samples of the
 * frozen generator (through a serving {@linkcode Backend}, so the estimator sees exactly the
 * served G), each in four disjoint streams: training, early stopping, calibrator fit and
 * calibrator check.
 *
 * @module
 */

import type { Backend } from "../../backends/mod.ts";
import { normals } from "../../shared/rng.ts";
import { type Mixture, samplePoints } from "../data/gaussians.ts";
import type { RatioSources } from "./train.ts";

/** The four uses of a ratio run's data, each its own stream. */
export const RATIO_STREAMS = { train: 0, heldOut: 1, calibrate: 2, check: 3 } as const;

/** Use of a stream of {@linkcode RATIO_STREAMS}. */
export type RatioStream = keyof typeof RATIO_STREAMS;

/** Latent streams of the generator samples (apart from serving 0, burn-in, diagnostics 50). */
const LATENT_STREAM_BASE = 60;

/** Real-point seeds derived from the run seed (apart from GAN training's 2 seed + 1, + 2). */
function realSeed(seed: number, stream: RatioStream): number {
  return (0x7a7100 + seed * 8 + RATIO_STREAMS[stream]) >>> 0;
}

/** Real points of `stream`: `// [count, 2]`. */
export function ratioRealPoints(
  mix: Mixture,
  seed: number,
  range: { stream: RatioStream; start: number; count: number },
): Float32Array {
  return samplePoints(mix, realSeed(seed, range.stream), range);
}

/** Generator samples of `stream` through `generator.generate`: `// [count, ...sampleShape]`. */
export function ratioFakeSamples(
  generator: Pick<Backend, "generate">,
  shape: { latentDim: number; seed: number },
  range: { stream: RatioStream; start: number; count: number },
): Promise<Float32Array> {
  const z = normals(shape.seed, { start: range.start, count: range.count, dim: shape.latentDim }, {
    stream: LATENT_STREAM_BASE + RATIO_STREAMS[range.stream],
  }); // [count, latentDim]
  return generator.generate(z, range.count);
}

/** {@linkcode RatioSources} of a 2D mixture vs a frozen generator. */
export function pointRatioSources(
  mix: Mixture,
  generator: Pick<Backend, "generate">,
  shape: { latentDim: number; seed: number },
): RatioSources {
  const real = (stream: RatioStream) => (start: number, count: number) =>
    ratioRealPoints(mix, shape.seed, { stream, start, count });
  const fake = (stream: RatioStream) => (start: number, count: number) =>
    ratioFakeSamples(generator, shape, { stream, start, count });
  return {
    sampleShape: [2],
    real: real("train"),
    realHeldOut: real("heldOut"),
    fake: fake("train"),
    fakeHeldOut: fake("heldOut"),
  };
}
