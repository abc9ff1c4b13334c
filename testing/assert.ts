/**
 * Small assertion helpers for the tests (no Deno std: jsr is unreachable here).
 *
 * @module
 */

import assert from "node:assert/strict";

/** Deep strict equality (NaN equals NaN, -0 differs from 0). */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assert.deepStrictEqual(actual, expected, message);
}

/** Deep strict inequality. */
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  assert.notDeepStrictEqual(actual, expected, message);
}

/** Truthiness. */
export function assertOk(value: unknown, message?: string): asserts value {
  assert.ok(value, message);
}

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

type ErrorClass = new (...args: never[]) => Error;

function checkError(
  error: unknown,
  ErrorType: ErrorClass,
  includes: string | RegExp | undefined,
): Error {
  if (!(error instanceof ErrorType)) {
    throw new assert.AssertionError({
      message: `expected ${ErrorType.name}, got ${
        error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      }`,
    });
  }
  if (typeof includes === "string" && !error.message.includes(includes)) {
    throw new assert.AssertionError({
      message: `expected the message to include ${JSON.stringify(includes)}: ${error.message}`,
    });
  }
  if (includes instanceof RegExp && !includes.test(error.message)) {
    throw new assert.AssertionError({
      message: `expected the message to match ${includes}: ${error.message}`,
    });
  }
  return error;
}

/** `fn` throws an instance of `ErrorType` whose message includes / matches `includes`. */
export function assertThrows<E extends ErrorClass>(
  fn: () => unknown,
  ErrorType: E,
  includes?: string | RegExp,
): InstanceType<E> {
  try {
    fn();
  } catch (error) {
    return checkError(error, ErrorType, includes) as InstanceType<E>;
  }
  throw new assert.AssertionError({ message: `expected ${ErrorType.name}, nothing was thrown` });
}

/** The promise from `fn` rejects with an instance of `ErrorType` (message as for assertThrows). */
export async function assertRejects<E extends ErrorClass>(
  fn: () => Promise<unknown>,
  ErrorType: E,
  includes?: string | RegExp,
): Promise<InstanceType<E>> {
  try {
    await fn();
  } catch (error) {
    return checkError(error, ErrorType, includes) as InstanceType<E>;
  }
  throw new assert.AssertionError({ message: `expected ${ErrorType.name}, nothing was thrown` });
}
