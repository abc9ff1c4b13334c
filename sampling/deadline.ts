/**
 * Bounds how long the sampler waits on one backend call: a G or D that never answers (a stuck
 * runtime, a lost WASM promise) must not hold a limiter slot forever and stall every model.
 *
 * @module
 */

/** `work`, or `late()` thrown once `ms` milliseconds pass first. The timer never outlives it. */
export async function withinDeadline<T>(
  work: Promise<T>,
  ms: number,
  late: () => Error,
): Promise<T> {
  if (ms === Infinity) return await work; // no deadline (offline calibration and evaluation)
  // One promise settled by whichever comes first (no race of three promises: this runs once per
  // G+D call, so its allocations show on small requests).
  return await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(late()), Math.max(0, ms));
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
