/** Samples as JSON: `points2d` rows as `[x, y]`, images as nested arrays by shape. @module */

/** Shortest decimal that round-trips a float32 (so bodies are compact and deterministic). */
export function float32Number(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 6; digits < 9; digits++) {
    const short = Number(value.toPrecision(digits));
    if (Math.fround(short) === value) return short;
  }
  return Number(value.toPrecision(9));
}

function nest(data: Float32Array, offset: number, shape: readonly number[]): unknown {
  if (shape.length === 1) {
    return Array.from(data.subarray(offset, offset + shape[0]), float32Number);
  }
  const [head, ...rest] = shape;
  const stride = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: head }, (_, i) => nest(data, offset + i * stride, rest));
}

/** `// [n, ...shape]` row-major -> one nested array per sample. */
export function samplesToArrays(
  x: Float32Array,
  n: number,
  shape: readonly number[],
): unknown[] {
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => nest(x, i * size, shape));
}
