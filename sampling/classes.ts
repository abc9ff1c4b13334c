/**
 * Classes of proposals for class-conditional models: the requested class for every proposal, or,
 * when a request names none, a class per proposal drawn uniformly from the seed's own stream
 * (`STREAM_CLASS`), so proposal i's class depends on (seed, i) only.
 *
 * @module
 */

import { STREAM_CLASS, uniforms } from "../shared/rng.ts";

/** Which classes a request's proposals get. */
export interface ClassPlan {
  /** Classes of the model. */
  count: number;
  /** The requested class, or undefined: drawn per proposal. */
  fixed?: number;
  seed: number;
}

/** Classes of proposals `start .. start + count - 1`: `// [count]`. */
export function classesOf(plan: ClassPlan, range: { start: number; count: number }): Int32Array {
  const out = new Int32Array(range.count);
  if (plan.fixed !== undefined) return out.fill(plan.fixed);
  const u = uniforms(plan.seed, range, { stream: STREAM_CLASS });
  for (let i = 0; i < range.count; i++) {
    out[i] = Math.min(plan.count - 1, Math.floor(u[i] * plan.count));
  }
  return out;
}
