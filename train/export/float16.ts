/**
 * IEEE 754 half precision for model weights: a TF.js export with float16 weights is half the
 * bytes (what a Worker bundle pays for), and rounding the in-memory weights to half precision
 * first keeps the ONNX export (float32) equal to what the TF.js export holds.
 *
 * @module
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The half-precision bits of one float32, rounded to nearest, ties to even; overflow -> inf. */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // inf, NaN
  const e = exponent - 127 + 15; // rebias
  if (e >= 0x1f) return sign | 0x7c00; // too large: inf
  if (e <= 0) {
    // A subnormal half (or zero): shift the full significand right, round to nearest even.
    if (e < -10) return sign;
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let h = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    if (rest > half || (rest === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h++; // may carry into the exponent: fine
  return sign | h;
}

/** The float32 value of half-precision bits. */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Every value rounded to the nearest half-precision value (as float32). */
export function roundToFloat16(values: Float32Array): Float32Array {
  return values.map((v) => fromFloat16Bits(toFloat16Bits(v)));
}

/** Every value as half-precision bits: `// [n] -> [n]`. */
export function float16Bits(values: Float32Array): Uint16Array {
  return Uint16Array.from(values, toFloat16Bits);
}
