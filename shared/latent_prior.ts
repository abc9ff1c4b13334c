/**
 * The latent prior a generator was trained with, recorded in the manifest (`latentPrior`) and
 * used by every sampler: the standard normal (the default), a uniform box, or a standard normal
 * truncated to [-bound, bound]. Every draw is a function of (seed, row) only, as for the normal.
 *
 * @module
 */

import { z } from "zod";
import { normals, STREAM_LATENT, uniforms } from "./rng.ts";
import { MAX_PSI, truncateLatents } from "./truncation.ts";

/** A latent prior. */
export type LatentPrior =
  | { kind: "normal" }
  | { kind: "uniform"; low: number; high: number }
  | { kind: "truncated-normal"; bound: number };

const finite = z.number().refine(Number.isFinite, "expected a finite number");

/** The manifest's `latentPrior`. */
export const latentPriorSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("normal") }).strict(),
  z.object({ kind: z.literal("uniform"), low: finite, high: finite }).strict().refine(
    (p) => p.low < p.high,
    { message: "expected 'low' < 'high'" },
  ),
  z.object({ kind: z.literal("truncated-normal"), bound: z.number().gt(0).max(MAX_PSI) }).strict(),
]);

/**
 * Latent rows `start .. start + count - 1` of `seed` under `prior`: `// [count, dim]`. The
 * uniform box maps the latent stream's uniforms (one per entry) to [low, high).
 */
export function drawLatents(
  seed: number,
  rows: { start: number; count: number; dim: number },
  prior: LatentPrior = { kind: "normal" },
): Float32Array {
  const { start, count, dim } = rows;
  switch (prior.kind) {
    case "normal":
      return normals(seed, rows);
    case "truncated-normal":
      return truncateLatents(normals(seed, rows), { seed, start, count, dim }, prior.bound);
    case "uniform": {
      const u = uniforms(seed, { start: start * dim, count: count * dim }, {
        stream: STREAM_LATENT,
      });
      const out = new Float32Array(count * dim), span = prior.high - prior.low;
      for (let i = 0; i < out.length; i++) out[i] = prior.low + u[i] * span;
      return out;
    }
  }
}

/** `normal`, `uniform:LOW,HIGH` or `truncated-normal:BOUND` as a prior; undefined when malformed. */
export function parseLatentPrior(text: string): LatentPrior | undefined {
  if (text === "normal") return { kind: "normal" };
  const uniform = /^uniform(?::(-?[\d.]+(?:e-?\d+)?),(-?[\d.]+(?:e-?\d+)?))?$/.exec(text);
  if (uniform) {
    const [low, high] = uniform[1] === undefined
      ? [-1, 1]
      : [Number(uniform[1]), Number(uniform[2])];
    return low < high ? { kind: "uniform", low, high } : undefined;
  }
  const truncated = /^truncated-normal(?::([\d.]+))?$/.exec(text);
  if (truncated) {
    const bound = truncated[1] === undefined ? 2 : Number(truncated[1]);
    return bound > 0 && bound <= MAX_PSI ? { kind: "truncated-normal", bound } : undefined;
  }
  return undefined;
}
