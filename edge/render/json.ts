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

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];
const NEG_POW10 = [1, 0.1, 0.01, 0.001, 0.0001];

/** A decimal `digits * 10^(point - count)`: `count` digits, `point` of them before the point. */
export interface Float32Digits {
  digits: number;
  count: number;
  point: number;
}

/**
 * The digits of {@linkcode float32Json}(|value|) for |value| in [1e-4, 1e7), by arithmetic
 * instead of `toPrecision` (3x faster; the same text, property-tested against the slow path),
 * written into `out` (no allocation on the hot path); false outside that range. A float32 has
 * 24 significant bits, so `|value| * 10^s` is exact for s <= 12 and its rounding to p digits is
 * exact too; `k / 10^s` is the double nearest to that p-digit decimal, as parsing it would give,
 * so the round-trip test is the slow path's. Trailing fraction zeros are trimmed; the text is
 * in fixed notation (as `toPrecision` writes this range).
 */
export function float32Digits(value: number, out: Float32Digits): boolean {
  const a = value < 0 ? -value : value;
  if (!(a >= 1e-4 && a < 1e7)) return false;
  let e = Math.floor(Math.log10(a)); // an estimate, corrected on exact bounds below
  if (a < (e >= 0 ? POW10[e] : NEG_POW10[-e])) e--;
  else if (a >= (e + 1 >= 0 ? POW10[e + 1] : NEG_POW10[-e - 1])) e++;
  for (let p = 7; p <= 9 && e >= -4 && e <= 6; p++) {
    const scale = POW10[p - 1 - e];
    const scaled = a * scale;
    const floor = Math.floor(scaled);
    let digits = scaled - floor >= 0.5 ? floor + 1 : floor; // ties away from zero, as toPrecision
    if (Math.fround(digits / scale) !== a) continue;
    let count = digits >= POW10[p] ? p + 1 : p; // a carry gives one digit more
    const point = count - (p - 1 - e); // digits before the decimal point
    digits |= 0; // below 2^31: integer arithmetic from here
    while (count > point && count > 1 && digits % 10 === 0) {
      digits = (digits / 10) | 0;
      count--;
    }
    out.digits = digits;
    out.count = count;
    out.point = point;
    return true;
  }
  return false;
}

const scratch: Float32Digits = { digits: 0, count: 0, point: 0 };

function fixedFloat32Json(value: number): string | undefined {
  if (!float32Digits(value, scratch)) return undefined;
  const { count, point } = scratch;
  const text = String(scratch.digits); // an integer: no shortest-double search, unlike String(double)
  const whole = point > 0 ? text.slice(0, point) : "0";
  const fraction = point >= count
    ? ""
    : "." + (point < 0 ? "0".repeat(-point) + text : text.slice(point));
  return (value < 0 ? "-" : "") + whole + fraction;
}

/**
 * {@linkcode float32Number} as JSON text without a number-to-string round trip (`null` for NaN
 * and infinities, as JSON.stringify; `-0` as `0`).
 */
export function float32Json(value: number): string {
  if (!Number.isFinite(value)) return "null";
  if (value === 0) return "0";
  const fixed = fixedFloat32Json(value);
  if (fixed !== undefined) return fixed;
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
    let text = "[";
    for (let i = 0; i < count; i++) text += (i > 0 ? "," : "") + float32Json(data[offset + i]);
    out.push(text + "]");
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
