/**
 * Value pools and draws for the fuzz generator: a seeded stream of choices over Philox
 * uniforms (shared/rng.ts, a stream of its own), hostile parameter values and keys, and the
 * encodings a client might (mis)apply.
 *
 * @module
 */

import { uniforms } from "../shared/rng.ts";

/** A deterministic stream of choices. */
export interface FuzzRng {
  next(): number;
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** A seeded {@linkcode FuzzRng} over Philox uniforms (its own stream). */
export function fuzzRng(seed: number): FuzzRng {
  let buffer: ArrayLike<number> = [], pos = 0, start = 0;
  const next = () => {
    if (pos >= buffer.length) {
      buffer = uniforms(seed, { start, count: 4096 }, { stream: 0xf022 });
      start += 4096;
      pos = 0;
    }
    return buffer[pos++];
  };
  const int = (below: number) => Math.floor(next() * below);
  return { next, int, pick: (items) => items[int(items.length)], chance: (p) => next() < p };
}

const WEIRD = [
  "0",
  "-1",
  "+1",
  "1.5",
  "1e3",
  "0x10",
  "00000000001",
  "4294967295",
  "4294967296",
  "-0",
  "99999999999999999999",
  "1e308",
  "-1e308",
  "1e-320",
  "NaN",
  "Infinity",
  "-Infinity",
  "",
  " ",
  "true",
  "false",
  "json",
  "png",
  "gif",
  "0.5",
  "0.999999",
  "1.0000001",
  "9".repeat(400),
  "ñ",
  "🙂",
  "\u0000",
  "\u202e",
  "%",
  "%zz",
  "%E0%A4%A",
  "<script>",
  "' OR 1=1--",
  "null",
  "../../etc/passwd",
  "[]",
  "{}",
  "a".repeat(5000),
  "１２",
  "٣",
  "1,2",
  "1;2",
] as const;
/** Parameter names, known and hostile. */
export const PARAMS = [
  "n",
  "seed",
  "format",
  "drs",
  "gamma",
  "acceptance",
  "scale",
  "class",
  "sampler",
  "k",
  "psi",
  "v",
  "exp",
  "kid",
  "sig",
  "model",
  "N",
  "n[]",
  "",
  "__proto__",
  "constructor",
  "ñ",
  "sig ",
  "s%69g",
] as const;
const GOOD: Record<string, readonly string[]> = {
  n: ["1", "2", "4", "16", "64", "256"],
  seed: ["0", "1", "7", "4294967295", "123456"],
  format: ["json", "png"],
  drs: ["true", "false"],
  gamma: ["0", "-3", "1.5", "2"],
  acceptance: ["0.1", "0.5", "0.9"],
  scale: ["1", "2"],
  class: ["0", "1", "2", "9", "one", "TWO", "Sneaker", "T-shirt/top"],
  sampler: ["drs", "mh", "raw", "truncation"],
  k: ["2", "4", "8", "64"],
  psi: ["0.5", "1", "2", "4"],
  v: ["1", "2", "7", "999999999"],
};
/** Methods other than GET. */
export const METHODS = ["HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"] as const;
/** Path segments of junk paths. */
export const SEGMENTS = [
  "v1",
  "models",
  "versions",
  "1",
  "admin",
  "reload",
  "samples",
  "s",
  "sign",
  "..",
  ".",
  "",
  "%2e%2e",
  "%00",
  "ñ",
];

/** A short or long string of ASCII, CJK-range and emoji code points. */
export function randomText(rng: FuzzRng): string {
  const length = rng.pick([1, 3, 12, 200]);
  let s = "";
  for (let i = 0; i < length; i++) {
    s += String.fromCodePoint(rng.pick([32 + rng.int(95), rng.int(0x3000), 0x1f600 + rng.int(80)]));
  }
  return s;
}

/** A value for parameter `key`: often valid, often hostile. */
export function value(rng: FuzzRng, key: string): string {
  const r = rng.next();
  if (r < 0.45 && Object.hasOwn(GOOD, key)) return rng.pick(GOOD[key]);
  if (r < 0.75) return rng.pick(WEIRD);
  if (r < 0.9) return String(Math.floor((rng.next() - 0.3) * 10 ** rng.int(22)));
  return randomText(rng);
}

/** Usually percent-encoded; sometimes raw or double-broken. */
export function encode(rng: FuzzRng, text: string): string {
  // Mostly well-formed; sometimes raw (the URL parser escapes what it must) or half-escaped.
  if (rng.chance(0.8)) return encodeURIComponent(text);
  return rng.chance(0.5) ? text.replace(/[#?&\s]/g, "") : text.replace(/%/g, "%25%");
}
