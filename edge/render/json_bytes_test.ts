import assert from "node:assert/strict";
import { samplesJson } from "./json.ts";
import { createSamplesJsonWriter, samplesJsonBytes } from "./json_bytes.ts";

function randomFloats(count: number, seed: number): Float32Array {
  // Random bit patterns over every exponent, plus the specials and the fast path's edges.
  const bits = new Uint32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bits[i] = Math.imul(state ^ (state >>> 13), 2654435761) >>> 0;
  }
  const x = new Float32Array(bits.buffer);
  const special = [NaN, Infinity, -Infinity, 0, -0, 1e-4, 9999999, 0.5, -1, 10, 1e-45, 3.4e38];
  special.forEach((v, i) => (x[i * 7] = v));
  return x;
}

Deno.test("samplesJsonBytes() writes the text of samplesJson() for points and images", () => {
  const decoder = new TextDecoder();
  const cases: [number[], number][] = [[[2], 300], [[28, 28, 1], 3], [[3, 2], 5], [[1, 4, 4], 2]];
  for (const [shape, n] of cases) {
    const size = shape.reduce((a, b) => a * b, 1);
    for (const seed of [1, 2]) {
      const bitsX = randomFloats(n * size, seed);
      // Typical outputs too: tanh-range images and grid points.
      const typical = bitsX.map((_, i) => Math.sin(i * 0.37 + seed) * (shape.length > 1 ? 1 : 5));
      for (const x of [bitsX, typical]) {
        const samples = { x, n };
        assert.equal(decoder.decode(samplesJsonBytes(samples, shape)), samplesJson(samples, shape));
      }
    }
  }
  assert.equal(decoder.decode(samplesJsonBytes({ x: new Float32Array(0), n: 0 }, [2])), "[]");
});

Deno.test("samplesJsonBytes() text parses back to the float32 values", () => {
  const x = Float32Array.from(
    { length: 2000 },
    (_, i) => Math.fround(Math.tan(i) * 10 ** (i % 9 - 4)),
  );
  const parsed = JSON.parse(new TextDecoder().decode(samplesJsonBytes({ x, n: 1000 }, [2])));
  assert.deepEqual(Float32Array.from(parsed.flat()), x);
});

Deno.test("createSamplesJsonWriter() gives the same bytes written piece by piece", () => {
  const x = randomFloats(40 * 6, 3);
  const writer = createSamplesJsonWriter([3, 2], 40);
  for (const [from, to] of [[0, 0], [0, 7], [7, 8], [8, 40]]) writer.write(x, { from, to });
  assert.deepEqual(writer.finish(), samplesJsonBytes({ x, n: 40 }, [3, 2]));
  const partial = createSamplesJsonWriter([2], 4);
  assert.throws(() => partial.write(x, { from: 1, to: 2 }), /sample 0 of 4 is next/);
  partial.write(x, { from: 0, to: 3 });
  assert.throws(() => partial.finish(), /3 of 4 are written/);
});
