/**
 * Counter-based random numbers (Philox4x32-10, Salmon et al. 2011).
 *
 * Draw `i` of a run depends only on `(seed, stream, i)`, never on how draws are batched, so
 * proposal 1234 of a sampling run is the same whether it was made in a batch of 1 or 256.
 *
 * @module
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO_POW_32 = 4294967296;

/** Streams keep the latent draws and the accept/reject draws of one seed independent. */
export const STREAM_LATENT = 0;
/** Stream of the uniform draws that decide acceptance. */
export const STREAM_ACCEPT = 1;

function mulHiLo(a: number, b: number, out: Uint32Array, at: number): void {
  // 32x32 -> 64 bit product from 16-bit halves (exact in float64).
  const aHi = a >>> 16, aLo = a & 0xffff, bHi = b >>> 16, bLo = b & 0xffff;
  const lo = Math.imul(a, b) >>> 0;
  const mid = aHi * bLo + aLo * bHi; // < 2^33, so mid * 2^16 + aLo * bLo is exact in float64
  const hi = aHi * bHi + Math.floor((mid * 65536 + aLo * bLo) / TWO_POW_32);
  out[at] = lo;
  out[at + 1] = hi >>> 0;
}

const scratch = new Uint32Array(4);

/**
 * Philox4x32 with 10 rounds: maps a 128-bit counter and a 64-bit key to 128 random bits.
 * Matches the Random123 known-answer vectors.
 */
export function philox4x32(counter: ArrayLike<number>, key: ArrayLike<number>): Uint32Array {
  let c0 = counter[0] >>> 0, c1 = counter[1] >>> 0, c2 = counter[2] >>> 0, c3 = counter[3] >>> 0;
  let k0 = key[0] >>> 0, k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    mulHiLo(M0, c0, scratch, 0); // scratch[0] = lo0, scratch[1] = hi0
    mulHiLo(M1, c2, scratch, 2); // scratch[2] = lo1, scratch[3] = hi1
    const n0 = (scratch[3] ^ c1 ^ k0) >>> 0;
    const n2 = (scratch[1] ^ c3 ^ k1) >>> 0;
    c1 = scratch[2];
    c3 = scratch[0];
    c0 = n0;
    c2 = n2;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return Uint32Array.of(c0, c1, c2, c3);
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(
      `Cannot draw random numbers as 'seed' must be a uint32: current value is ${seed}`,
    );
  }
}

/** Options for {@linkcode normals}. */
export interface NormalsOptions {
  /** Stream id, so one seed can feed independent uses. @default {STREAM_LATENT} */
  stream?: number;
}

/**
 * Standard normal draws for rows `start .. start + count - 1`, `dim` values each, laid out
 * row-major: `// [count, dim]`. Row `i` is a function of `(seed, stream, i)` only.
 */
export function normals(
  seed: number,
  rows: { start: number; count: number; dim: number },
  options: NormalsOptions = {},
): Float32Array {
  checkSeed(seed);
  const { start, count, dim } = rows;
  const key = [seed, options.stream ?? STREAM_LATENT];
  const out = new Float32Array(count * dim);
  const ctr = [0, 0, 0, 0];
  for (let r = 0; r < count; r++) {
    const row = start + r;
    ctr[0] = row >>> 0;
    ctr[1] = Math.floor(row / TWO_POW_32) >>> 0;
    for (let block = 0; block * 4 < dim; block++) {
      ctr[2] = block;
      const w = philox4x32(ctr, key);
      // Box-Muller on two pairs of 32-bit uniforms: u1 in (0, 1], u2 in [0, 1).
      for (let pair = 0; pair < 2; pair++) {
        const u1 = (w[2 * pair] + 1) / TWO_POW_32;
        const u2 = w[2 * pair + 1] / TWO_POW_32;
        const radius = Math.sqrt(-2 * Math.log(u1));
        const d = block * 4 + pair * 2;
        if (d < dim) out[r * dim + d] = radius * Math.cos(2 * Math.PI * u2);
        if (d + 1 < dim) out[r * dim + d + 1] = radius * Math.sin(2 * Math.PI * u2);
      }
    }
  }
  return out;
}

/**
 * Uniform draws in [0, 1) with 53 random bits for indices `start .. start + count - 1`.
 * Index `i` is a function of `(seed, stream, i)` only.
 */
export function uniforms(
  seed: number,
  range: { start: number; count: number },
  options: { stream?: number } = {},
): Float64Array {
  checkSeed(seed);
  const key = [seed, options.stream ?? STREAM_ACCEPT];
  const out = new Float64Array(range.count);
  const ctr = [0, 0, 0, 0];
  for (let r = 0; r < range.count; r++) {
    const index = range.start + r;
    ctr[0] = index >>> 0;
    ctr[1] = Math.floor(index / TWO_POW_32) >>> 0;
    const w = philox4x32(ctr, key);
    out[r] = ((w[0] >>> 5) * 67108864 + (w[1] >>> 6)) / 9007199254740992;
  }
  return out;
}

/** A fresh uint32 seed from the platform's CSPRNG (for requests that give none). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}
