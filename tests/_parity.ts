/**
 * Parity helpers shared by the export and shipped-model tests: max absolute differences and
 * DRS decision agreement between two runtimes on the same proposals.
 *
 * @module
 */

import type { Backend, BackendInit } from "../backends/mod.ts";
import { createDrsState, decideBatch } from "../shared/drs.ts";
import { normals, uniforms } from "../shared/rng.ts";

/** The largest |a[i] - b[i]|; throws when lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

/** Logits of `count` proposals of seed `seed`, in batches of `batch`: `// [count]`. */
export async function proposalLogits(
  backend: Backend,
  latentDim: number,
  options: { seed: number; count: number; batch?: number },
): Promise<Float32Array> {
  const batch = options.batch ?? 1000;
  const logits = new Float32Array(options.count);
  for (let start = 0; start < options.count; start += batch) {
    const n = Math.min(batch, options.count - start);
    const z = normals(options.seed, { start, count: n, dim: latentDim }); // [n, latentDim]
    logits.set((await backend.run(z, n)).logits, start);
  }
  return logits;
}

/**
 * Fraction of proposals on which two runtimes' DRS decisions agree, for the same seed's
 * uniform draws and the same calibrated constants.
 */
export function decisionAgreement(
  a: Float32Array,
  b: Float32Array,
  drs: { logM: number; gamma: number; epsilon: number; seed: number },
): { agreement: number; acceptedA: number; acceptedB: number } {
  const draws = uniforms(drs.seed, { start: 0, count: a.length });
  const options = { gamma: drs.gamma, epsilon: drs.epsilon };
  const keptA = new Set(decideBatch(a, draws, createDrsState(drs.logM), options));
  const keptB = new Set(decideBatch(b, draws, createDrsState(drs.logM), options));
  let same = 0;
  for (let i = 0; i < a.length; i++) if (keptA.has(i) === keptB.has(i)) same++;
  return { agreement: same / a.length, acceptedA: keptA.size, acceptedB: keptB.size };
}

/** Mean microseconds per `backend.run` at batch `n` (after a warm-up). */
export async function runMicros(
  backend: Backend,
  init: Pick<BackendInit, "latentDim">,
  options: { n: number; calls: number },
): Promise<number> {
  const z = normals(3, { start: 0, count: options.n, dim: init.latentDim });
  for (let i = 0; i < 5; i++) await backend.run(z, options.n);
  const start = performance.now();
  for (let i = 0; i < options.calls; i++) await backend.run(z, options.n);
  return (performance.now() - start) * 1000 / options.calls;
}
