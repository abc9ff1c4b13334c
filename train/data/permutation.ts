/**
 * Seeded permutations on the project's counter-based RNG: the same (n, seed, stream) gives the
 * same order on every machine.
 *
 * @module
 */

import { uniforms } from "../../shared/rng.ts";

/** Seeded permutation of 0..n-1 (Fisher-Yates on the counter-based RNG). */
export function permutation(n: number, seed: number, stream: number): Uint32Array {
  const p = Uint32Array.from({ length: n }, (_, i) => i);
  const u = uniforms(seed, { start: 0, count: n }, { stream });
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i] * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
