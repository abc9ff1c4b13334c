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
  work.catch(() => {}); // a call given up on must not reject unobserved later
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
