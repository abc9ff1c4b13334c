import assert from "node:assert/strict";
import { normals, philox4x32, randomSeed, STREAM_ACCEPT, STREAM_LATENT, uniforms } from "./rng.ts";
import { assertAlmostEquals } from "../testing/assert.ts";

function hex(words: Uint32Array): string {
  return Array.from(words, (w) => w.toString(16).padStart(8, "0")).join(" ");
}

Deno.test("philox4x32() matches the Random123 known-answer vectors", () => {
  assert.equal(hex(philox4x32([0, 0, 0, 0], [0, 0])), "6627e8d5 e169c58d bc57ac4c 9b00dbd8");
  const ff = 0xffffffff;
  assert.equal(hex(philox4x32([ff, ff, ff, ff], [ff, ff])), "408f276d 41c83b0e a20bc7c6 6d5451fd");
  assert.equal(
    hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    "d16cfe09 94fdcceb 5001e420 24126ea1",
  );
});

Deno.test("philox4x32() returns a fresh array and leaves its inputs alone", () => {
  const ctr = [1, 2, 3, 4], key = [5, 6];
  const a = philox4x32(ctr, key);
  const b = philox4x32([0, 0, 0, 0], [0, 0]);
  assert.deepEqual(hex(philox4x32(ctr, key)), hex(a)); // a was not overwritten by the second call
  assert.notDeepEqual(hex(a), hex(b));
  assert.deepEqual(ctr, [1, 2, 3, 4]);
  assert.deepEqual(key, [5, 6]);
});

// Pinned values from shared/testdata/gen_rng_reference.py (an independent Python Philox and
// Box-Muller). A change to the counter layout, the bit mapping or Box-Muller shows up here.
const NORMAL_TOLERANCE = 1e-7;

Deno.test("normals() known answers: seed 42, rows 0..1, dim 5", () => {
  const expected = [
    -0.9701898097991943,
    0.19401895999908447,
    -1.2356207370758057,
    1.9239267110824585,
    2.1276910305023193,
    -0.07318150997161865,
    0.13913749158382416,
    -1.106665015220642,
    0.3266829550266266,
    2.0213191509246826,
  ];
  const got = normals(42, { start: 0, count: 2, dim: 5 });
  assert.ok(got instanceof Float32Array);
  assert.equal(got.length, 10);
  expected.forEach((v, i) => assertAlmostEquals(got[i], v, NORMAL_TOLERANCE, `value ${i}`));
});

Deno.test("normals() known answers: row above 2^32, stream 1, and the largest seed", () => {
  const high = normals(7, { start: 2 ** 32 + 3, count: 1, dim: 3 }, { stream: 1 });
  [-0.1353951245546341, 1.0006170272827148, 0.6798266768455505].forEach((v, i) =>
    assertAlmostEquals(high[i], v, NORMAL_TOLERANCE, `value ${i}`)
  );
  const top = normals(0xffffffff, { start: 0, count: 1, dim: 2 });
  assertAlmostEquals(top[0], 0.27956193685531616, NORMAL_TOLERANCE);
  assertAlmostEquals(top[1], -0.03415849059820175, NORMAL_TOLERANCE);
});

Deno.test("uniforms() known answers (exact: 53-bit dyadic rationals)", () => {
  assert.deepEqual(
    Array.from(uniforms(42, { start: 0, count: 4 })),
    [0.5850755339819399, 0.573891047118572, 0.4402483628243641, 0.15059776709453154],
  );
  assert.deepEqual(
    Array.from(uniforms(42, { start: 0, count: 2 }, { stream: 0 })),
    [0.6129598801477738, 0.9877186516453577],
  );
  // Across the 32-bit boundary of the counter.
  assert.deepEqual(
    Array.from(uniforms(0, { start: 2 ** 32 - 1, count: 2 })),
    [0.2590246197650231, 0.3249370546191773],
  );
  for (const u of uniforms(3, { start: 0, count: 1000 })) {
    assert.deepEqual(u * 2 ** 53, Math.floor(u * 2 ** 53)); // multiples of 2^-53
  }
});

Deno.test("normals() and uniforms() default to the latent and accept streams", () => {
  assert.equal(STREAM_LATENT, 0);
  assert.equal(STREAM_ACCEPT, 1);
  assert.deepEqual(
    normals(9, { start: 4, count: 3, dim: 6 }),
    normals(9, { start: 4, count: 3, dim: 6 }, { stream: STREAM_LATENT }),
  );
  assert.deepEqual(
    uniforms(9, { start: 4, count: 5 }),
    uniforms(9, { start: 4, count: 5 }, { stream: STREAM_ACCEPT }),
  );
});

/** Rows start .. start + total - 1 gathered from calls of varying sizes (1, 2, 3, 5, 8, ...). */
function inPieces<T extends Float32Array | Float64Array>(
  total: number,
  width: number,
  start: number,
  draw: (start: number, count: number) => T,
  make: (n: number) => T,
): T {
  const out = make(total * width);
  const sizes = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89];
  let done = 0, k = 0;
  while (done < total) {
    const count = Math.min(sizes[k++ % sizes.length], total - done);
    out.set(draw(start + done, count), done * width);
    done += count;
  }
  return out;
}

Deno.test("normals() rows do not depend on batching (dim 2, 3, 5, 64)", () => {
  for (const dim of [2, 3, 5, 64]) {
    for (const start of [0, 1000, 2 ** 32 - 50]) {
      const total = 300;
      const whole = normals(5, { start, count: total, dim });
      const pieces = inPieces(
        total,
        dim,
        start,
        (s, count) => normals(5, { start: s, count, dim }),
        (n) => new Float32Array(n),
      );
      assert.deepEqual(pieces, whole, `dim ${dim}, start ${start}`);
      // A window in the middle equals the same rows of the big call.
      const mid = normals(5, { start: start + 123, count: 7, dim });
      assert.deepEqual(mid, whole.subarray(123 * dim, 130 * dim), `dim ${dim}, start ${start}`);
    }
  }
});

Deno.test("normals() equals Box-Muller with Math.cos and Math.sin to the float32 bit", () => {
  // The polynomial sincos must round to the same float32 as libm (checked on 12M values when
  // it was written; here 2 x 20k rows x 16 dims, every quadrant, a seed and the 2^32 wrap).
  const dim = 16, count = 20_000;
  for (const [seed, start] of [[42, 0], [0xffffffff, 2 ** 32 - 7]]) {
    const got = normals(seed, { start, count, dim });
    const want = new Float32Array(count * dim);
    for (let r = 0; r < count; r++) {
      const row = start + r;
      for (let block = 0; block < dim / 4; block++) {
        const w = philox4x32([row >>> 0, Math.floor(row / 2 ** 32), block, 0], [seed, 0]);
        for (let pair = 0; pair < 2; pair++) {
          const radius = Math.sqrt(-2 * Math.log((w[2 * pair] + 1) / 2 ** 32));
          const angle = 2 * Math.PI * (w[2 * pair + 1] / 2 ** 32);
          want[r * dim + block * 4 + pair * 2] = radius * Math.cos(angle);
          want[r * dim + block * 4 + pair * 2 + 1] = radius * Math.sin(angle);
        }
      }
    }
    assert.deepEqual(got, want, `seed ${seed}`);
  }
});

Deno.test("uniforms() indices do not depend on batching", () => {
  for (const start of [0, 77, 2 ** 32 - 100]) {
    const whole = uniforms(5, { start, count: 500 });
    const pieces = inPieces(
      500,
      1,
      start,
      (s, count) => uniforms(5, { start: s, count }),
      (n) => new Float64Array(n),
    );
    assert.deepEqual(pieces, whole, `start ${start}`);
  }
});

Deno.test("normals() and uniforms() differ across rows, 32-bit counter wraps, streams and seeds", () => {
  const dim = 8;
  const row = (seed: number, start: number, stream = 0) =>
    Array.from(normals(seed, { start, count: 1, dim }, { stream }));
  assert.notDeepEqual(row(1, 0), row(1, 1));
  assert.notDeepEqual(row(1, 0), row(1, 2 ** 32)); // the high counter word is used
  assert.notDeepEqual(row(1, 0), row(1, 0, 1));
  assert.notDeepEqual(row(1, 0), row(2, 0));
  // Values within one row are not repeated across its 4-value blocks.
  const r = row(1, 0);
  assert.notDeepEqual(r.slice(0, 4), r.slice(4, 8));
  const u = (seed: number, start: number, stream = 1) =>
    Array.from(uniforms(seed, { start, count: 4 }, { stream }));
  assert.notDeepEqual(u(1, 0), u(1, 2 ** 32));
  assert.notDeepEqual(u(1, 0), u(1, 0, 0));
  assert.notDeepEqual(u(1, 0), u(2, 0));
});

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) (ma += a[i], mb += b[i]);
  ma /= a.length;
  mb /= b.length;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

Deno.test("streams and seeds are uncorrelated (|r| < 0.03 over 20k draws)", () => {
  const n = 20_000; // sd of r ~ 0.007
  const latent = normals(21, { start: 0, count: n, dim: 1 }, { stream: 0 });
  const other = normals(21, { start: 0, count: n, dim: 1 }, { stream: 1 });
  assert.ok(Math.abs(correlation(latent, other)) < 0.03);
  const accept = uniforms(21, { start: 0, count: n });
  assert.ok(Math.abs(correlation(latent, accept)) < 0.03);
  assert.ok(Math.abs(correlation(accept, uniforms(22, { start: 0, count: n }))) < 0.03);
  // Neighbouring rows are uncorrelated too.
  const next = normals(21, { start: 1, count: n, dim: 1 });
  assert.ok(Math.abs(correlation(latent, next)) < 0.03);
  // Within a row, the cos and sin halves of Box-Muller are uncorrelated.
  const pairs = normals(21, { start: 0, count: n, dim: 2 });
  const even = pairs.filter((_, i) => i % 2 === 0), odd = pairs.filter((_, i) => i % 2 === 1);
  assert.ok(Math.abs(correlation(even, odd)) < 0.03);
});

Deno.test("normals() has mean 0, variance 1 and normal tails over 100k values", () => {
  const x = normals(2024, { start: 0, count: 25_000, dim: 4 });
  assert.equal(x.length, 100_000);
  let sum = 0, sq = 0, within1 = 0, beyond3 = 0, fourth = 0;
  for (const v of x) {
    assert.ok(Number.isFinite(v));
    sum += v;
    sq += v * v;
    fourth += v ** 4;
    if (Math.abs(v) < 1) within1++;
    if (Math.abs(v) > 3) beyond3++;
  }
  const n = x.length;
  assertAlmostEquals(sum / n, 0, 0.015); // sd 0.0032
  assertAlmostEquals(sq / n, 1, 0.025); // sd 0.0045
  assertAlmostEquals(fourth / n, 3, 0.15); // sd ~0.03
  assertAlmostEquals(within1 / n, 0.6827, 0.008); // sd 0.0015
  assertAlmostEquals(beyond3 / n, 0.0027, 0.0012); // sd 0.00016
});

Deno.test("uniforms() lie in [0, 1) with mean 1/2 and variance 1/12 over 100k values", () => {
  const u = uniforms(2024, { start: 0, count: 100_000 });
  let sum = 0, sq = 0, min = 1, max = 0;
  const bins = new Array(10).fill(0);
  for (const v of u) {
    assert.ok(v >= 0 && v < 1, `${v}`);
    sum += v;
    sq += (v - 0.5) ** 2;
    min = Math.min(min, v);
    max = Math.max(max, v);
    bins[Math.floor(v * 10)]++;
  }
  assertAlmostEquals(sum / u.length, 0.5, 0.005); // sd 0.0009
  assertAlmostEquals(sq / u.length, 1 / 12, 0.002); // sd 0.0003
  assert.ok(min < 1e-3 && max > 1 - 1e-3);
  for (const b of bins) assertAlmostEquals(b / u.length, 0.1, 0.005); // sd 0.00095
});

Deno.test("normals() and uniforms() reject bad seeds with a message naming 'seed'", () => {
  for (const seed of [-1, 1.5, 2 ** 32, NaN, Infinity, -Infinity]) {
    const message =
      `Cannot draw random numbers as 'seed' must be a uint32: current value is ${seed}`;
    assert.throws(() => normals(seed, { start: 0, count: 1, dim: 2 }), {
      name: "RangeError",
      message: message,
    });
    assert.throws(() => uniforms(seed, { start: 0, count: 1 }), {
      name: "RangeError",
      message: message,
    });
  }
  // The ends of the range are fine.
  assert.equal(normals(0, { start: 0, count: 1, dim: 2 }).length, 2);
  assert.equal(uniforms(0xffffffff, { start: 0, count: 3 }).length, 3);
});

Deno.test("randomSeed() returns uint32 seeds that normals() accepts", () => {
  const seeds = Array.from({ length: 32 }, randomSeed);
  for (const s of seeds) {
    assert.ok(Number.isInteger(s) && s >= 0 && s <= 0xffffffff, `${s}`);
    assert.equal(normals(s, { start: 0, count: 1, dim: 1 }).length, 1);
  }
  assert.ok(new Set(seeds).size > 1);
});
