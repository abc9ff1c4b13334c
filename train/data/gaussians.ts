/**
 * Synthetic 2D mixtures of Gaussians, generated from a seed with the counter-based RNG.
 *
 * @module
 */

import { normals, uniforms } from "../../shared/rng.ts";

/** The 2D mixtures. */
export type MixtureName = "grid25" | "ring8";

/** A mixture of isotropic Gaussians with equal weights. */
export interface Mixture {
  name: MixtureName;
  /** Mode centres: `// [modes, 2]`. */
  means: [number, number][];
  /** Standard deviation of every mode. */
  std: number;
}

/** 25 modes at (2i, 2j), i, j in -2..2, std 0.05 (the DRS paper's grid). */
export function grid25(): Mixture {
  const means: [number, number][] = [];
  for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) means.push([2 * i, 2 * j]);
  return { name: "grid25", means, std: 0.05 };
}

/** 8 modes on a circle of radius 2, std 0.02. */
export function ring8(): Mixture {
  const means: [number, number][] = [];
  for (let k = 0; k < 8; k++) {
    means.push([2 * Math.cos((2 * Math.PI * k) / 8), 2 * Math.sin((2 * Math.PI * k) / 8)]);
  }
  return { name: "ring8", means, std: 0.02 };
}

/** The mixture of a dataset name. */
export function mixture(name: MixtureName): Mixture {
  switch (name) {
    case "grid25":
      return grid25();
    case "ring8":
      return ring8();
  }
}

/** Streams of the data RNG, apart from the latent and acceptance streams. */
const STREAM_MODE = 10;
const STREAM_NOISE = 11;

/**
 * Samples `count` points starting at index `start` of the dataset's stream for `seed`:
 * `// [count, 2]`. Point i depends only on (seed, i).
 */
export function samplePoints(
  mix: Mixture,
  seed: number,
  range: { start: number; count: number },
): Float32Array {
  const picks = uniforms(seed, range, { stream: STREAM_MODE });
  const noise = normals(seed, { ...range, dim: 2 }, { stream: STREAM_NOISE });
  const out = new Float32Array(range.count * 2);
  for (let i = 0; i < range.count; i++) {
    const [mx, my] = mix.means[Math.floor(picks[i] * mix.means.length)];
    out[2 * i] = mx + mix.std * noise[2 * i];
    out[2 * i + 1] = my + mix.std * noise[2 * i + 1];
  }
  return out;
}
