/**
 * The numeric checks `node:assert` lacks. Everything else in the tests is
 * `import assert from "node:assert/strict"` (`assert.equal`, `assert.deepEqual`, `assert.ok`,
 * `assert.match`, `assert.throws`, `assert.rejects`).
 *
 * @module
 */

import assert from "node:assert/strict";

/** |actual - expected| <= tolerance (both must be numbers; NaN never passes). */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance: number,
  message?: string,
): void {
  const diff = Math.abs(actual - expected);
  if (!(diff <= tolerance) && actual !== expected) {
    throw new assert.AssertionError({
      message: `${message ? message + ": " : ""}expected ${expected}, got ${actual} ` +
        `(|diff| ${diff} > tolerance ${tolerance})`,
      actual,
      expected,
      operator: "assertAlmostEquals",
    });
  }
}

/**
 * |actual - expected| <= rel * |expected| + abs. Equal infinities pass; NaN never passes.
 * Returns the relative error, for reporting.
 */
export function assertClose(
  actual: number,
  expected: number,
  options: { rel: number; abs?: number },
  message?: string,
): number {
  if (actual === expected) return 0;
  const diff = Math.abs(actual - expected);
  const bound = options.rel * Math.abs(expected) + (options.abs ?? 0);
  if (!(diff <= bound)) {
    throw new assert.AssertionError({
      message: `${message ? message + ": " : ""}expected ${expected}, got ${actual} ` +
        `(|diff| ${diff} > ${bound}; rel ${options.rel}, abs ${options.abs ?? 0})`,
      actual,
      expected,
      operator: "assertClose",
    });
  }
  return diff / Math.abs(expected);
}
