/**
 * What one G+D call costs on a backend: `t(k) = c0 + c1 k` for a batch of k proposals, measured
 * once when a model version loads, as the fixed part in proposals (`c0 / c1`). Rounds of a
 * compute-bound model (an image G+D: a proposal costs more than the call) are then sized by
 * quantile (`drs.ts`), so a single sample does not pay for twenty proposals.
 *
 * @module
 */

import type { Backend } from "../backends/mod.ts";

/** Options for {@linkcode measureCallCost}. */
export interface CallCostOptions {
  /** The larger batch of the two measured. @default {32} */
  batch?: number;
  /** Timed calls per batch size, interleaved (the fastest counts). @default {7} */
  repeats?: number;
  /** Clock in milliseconds. @default {() => performance.now()} */
  now?: () => number;
}

/**
 * `c0 / c1` of `model.backend` (Infinity when a proposal costs nothing measurable next to the
 * call, as for a small MLP on ONNX Runtime), or undefined when the clock does not move across
 * the calls: Cloudflare Workers stop `performance.now()` while a request computes. Uses zero
 * latents: cost does not depend on values.
 */
export async function measureCallCost(
  model: { backend: Backend; latentDim: number; classes?: number },
  options: CallCostOptions = {},
): Promise<number | undefined> {
  const big = options.batch ?? 32, repeats = options.repeats ?? 7;
  const now = options.now ?? (() => performance.now());
  const inputs = (k: number) => ({
    z: new Float32Array(k * model.latentDim),
    classes: model.classes ? new Int32Array(k) : undefined,
  });
  const small = inputs(1), large = inputs(big);
  const time = async (k: number, input: typeof small) => {
    const t0 = now();
    await model.backend.run(input.z, k, { classes: input.classes });
    return now() - t0;
  };
  await time(1, small); // warm: kernels, allocations
  await time(big, large);
  // Interleaved, fastest of each: a busy neighbour (other versions loading) slows both alike.
  let one = Infinity, many = Infinity;
  for (let i = 0; i < repeats; i++) {
    one = Math.min(one, await time(1, small));
    many = Math.min(many, await time(big, large));
  }
  if (many === 0) return undefined;
  const c1 = (many - one) / (big - 1), c0 = Math.max(0, one - c1);
  // A per-proposal cost within rounding of zero (clock steps summed in another order) is none.
  return c1 > 1e-6 * one ? c0 / c1 : Infinity;
}
