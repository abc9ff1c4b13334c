/**
 * Samples as JSON text: `points2d` rows as `[x, y]`, images as nested arrays by shape. The
 * text is written directly (no intermediate arrays): 256 MNIST samples are 200,704 numbers.
 *
 * @module
 */

/**
 * A short decimal that round-trips a float32 (so bodies are compact and deterministic): the
 * first of 7, 8 or 9 significant digits that reads back as the same float32.
 */
export function float32Number(value: number): number {
  if (!Number.isFinite(value)) return value;
  const d7 = +value.toPrecision(7);
  if (Math.fround(d7) === value) return d7;
  const d8 = +value.toPrecision(8);
  return Math.fround(d8) === value ? d8 : +value.toPrecision(9);
}

/** `toPrecision` text without trailing fraction zeros: "0.5000000" -> "0.5", "1.500e-7" -> "1.5e-7". */
function trimZeros(text: string): string {
  const e = text.indexOf("e");
  const mantissa = e < 0 ? text : text.slice(0, e);
  if (mantissa.indexOf(".") < 0) return text;
  let end = mantissa.length;
  while (mantissa.charCodeAt(end - 1) === 48) end--;
  if (mantissa.charCodeAt(end - 1) === 46) end--;
  return e < 0 ? mantissa.slice(0, end) : mantissa.slice(0, end) + text.slice(e);
}

/**
 * {@linkcode float32Number} as JSON text without a number-to-string round trip (`null` for NaN
 * and infinities, as JSON.stringify; `-0` as `0`).
 */
export function float32Json(value: number): string {
  if (!Number.isFinite(value)) return "null";
  if (value === 0) return "0";
  const s7 = value.toPrecision(7);
  if (Math.fround(+s7) === value) return trimZeros(s7);
  const s8 = value.toPrecision(8);
  return trimZeros(Math.fround(+s8) === value ? s8 : value.toPrecision(9));
}

function emit(
  data: Float32Array,
  offset: number,
  shape: readonly number[],
  dim: number,
  out: string[],
): void {
  const count = shape[dim];
  if (dim === shape.length - 1) {
    const values = new Array<string>(count);
    for (let i = 0; i < count; i++) values[i] = float32Json(data[offset + i]);
    out.push(`[${values.join(",")}]`);
    return;
  }
  let stride = 1;
  for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
  out.push("[");
  for (let i = 0; i < count; i++) {
    if (i > 0) out.push(",");
    emit(data, offset + i * stride, shape, dim + 1, out);
  }
  out.push("]");
}

/** Samples `// [n, ...shape]` row-major -> the JSON text of an array of nested arrays. */
export function samplesJson(
  samples: { x: Float32Array; n: number },
  shape: readonly number[],
): string {
  const { x, n } = samples;
  const size = shape.reduce((a, b) => a * b, 1);
  const out: string[] = ["["];
  for (let i = 0; i < n; i++) {
    if (i > 0) out.push(",");
    emit(x, i * size, shape, 0, out);
  }
  out.push("]");
  return out.join("");
}

/** Samples `// [n, ...shape]` row-major -> one nested array per sample. */
export function samplesToArrays(
  samples: { x: Float32Array; n: number },
  shape: readonly number[],
): unknown[] {
  return JSON.parse(samplesJson(samples, shape));
}
