/** Samples as JSON: `points2d` rows as `[x, y]`, images as nested arrays by shape. @module */

/**
 * A short decimal that round-trips a float32 (so bodies are compact and deterministic): the
 * first of 7, 8 or 9 significant digits that reads back as the same float32.
 */
export function float32Number(value: number): number {
  if (!Number.isFinite(value)) return value;
  const d7 = Number(value.toPrecision(7));
  if (Math.fround(d7) === value) return d7;
  const d8 = Number(value.toPrecision(8));
  return Math.fround(d8) === value ? d8 : Number(value.toPrecision(9));
}

function nest(data: Float32Array, offset: number, shape: readonly number[]): unknown {
  if (shape.length === 1) {
    return Array.from(data.subarray(offset, offset + shape[0]), float32Number);
  }
  const [head, ...rest] = shape;
  const stride = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: head }, (_, i) => nest(data, offset + i * stride, rest));
}

/** Samples `// [n, ...shape]` row-major -> one nested array per sample. */
export function samplesToArrays(
  samples: { x: Float32Array; n: number },
  shape: readonly number[],
): unknown[] {
  const { x, n } = samples;
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => nest(x, i * size, shape));
}
