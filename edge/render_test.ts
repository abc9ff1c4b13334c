import assert from "node:assert/strict";
import { decode } from "fast-png";
import {
  float32Json,
  float32Number,
  gridPng,
  imageLayout,
  samplesJson,
  samplesToArrays,
  scatterPng,
} from "./render/mod.ts";

Deno.test("float32Number() gives a short decimal that round-trips the float32", () => {
  for (const v of [0.1, -1.2345678, 3e-8, 123456.7, 2]) {
    const f = Math.fround(v);
    const short = float32Number(f);
    assert.equal(Math.fround(short), f);
    assert.ok(String(short).length <= 12, String(short));
  }
  assert.equal(float32Number(Math.fround(0.1)), 0.1);
});

Deno.test("samplesToArrays() nests samples by shape", () => {
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(samplesToArrays({ x, n: 4 }, [2]), [[1, 2], [3, 4], [5, 6], [7, 8]]);
  assert.deepEqual(samplesToArrays({ x, n: 2 }, [2, 2]), [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
});

Deno.test("scatterPng() draws points where they are and skips points outside the extent", () => {
  const png = decode(scatterPng(Float32Array.from([0, 0, 99, 99]), 2, { extent: [-5, 5] }));
  assert.deepEqual([png.width, png.height, png.channels], [256, 256, 3]);
  const at = (x: number, y: number) =>
    Array.from(png.data.subarray((y * 256 + x) * 3, (y * 256 + x) * 3 + 3));
  assert.deepEqual(at(128, 127), [31, 78, 160]);
  assert.deepEqual(at(250, 5), [255, 255, 255]);
});

Deno.test("gridPng() tiles images with nearest-neighbour scaling", () => {
  const x = new Float32Array(2 * 4).fill(-1);
  x[4] = 1; // second image, top-left pixel white
  const png = decode(gridPng(x, 2, [2, 2], { scale: 2 }));
  assert.deepEqual([png.width, png.height], [2 * 4 + 3 * 2, 4 + 2 * 2]);
  const at = (px: number, py: number) => png.data[(py * png.width + px) * 3];
  assert.equal(at(2, 2), 0);
  assert.equal(at(8, 2), 255);
  assert.equal(at(9, 3), 255);
  assert.equal(at(10, 2), 0);
});

Deno.test("imageLayout() reads channel-last, channel-first and flat shapes", () => {
  assert.deepEqual(imageLayout([28, 28, 1]), { h: 28, w: 28, c: 1, chw: false });
  assert.deepEqual(imageLayout([3, 8, 8]), { h: 8, w: 8, c: 3, chw: true });
  assert.deepEqual(imageLayout([784]), { h: 28, w: 28, c: 1, chw: false });
  assert.throws(() => imageLayout([5, 7, 9]), /'sampleShape' must be/);
});

Deno.test("samplesJson() writes the same text as JSON.stringify of rounded nested arrays", () => {
  const x = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => Math.sin(i) * 10 ** (i % 5 - 2));
  x[3] = NaN;
  const expected = JSON.stringify(
    [0, 1].map((s) => [0, 1, 2].map((r) => [0, 1].map((c) => float32Number(x[s * 6 + r * 2 + c])))),
  );
  assert.equal(samplesJson({ x, n: 2 }, [3, 2]), expected);
  assert.equal(samplesJson({ x: new Float32Array(0), n: 0 }, [2]), "[]");
});

Deno.test("float32Json() matches String(float32Number()) for values below 1e7", () => {
  const values = [0.5, -0.25, 1, 100, 1e-4, 1.5e-7, 3e-8, 123456.7, -2.0000001, 0.1, -0];
  for (
    const v of [
      ...values,
      ...Array.from({ length: 2000 }, (_, i) => Math.sin(i) * 10 ** (i % 12 - 6)),
    ]
  ) {
    const f = Math.fround(v);
    assert.equal(float32Json(f), String(float32Number(f)), String(f));
    assert.ok(Math.fround(JSON.parse(float32Json(f))) === f, String(f));
  }
  assert.equal(float32Json(NaN), "null");
});

Deno.test("float32Json() fast path gives the toPrecision text for random float32 bit patterns", () => {
  // Every exponent in [1e-4, 1e7) where the arithmetic path runs, plus its edges.
  const bits = new Uint32Array(1);
  const view = new Float32Array(bits.buffer);
  let state = 12345;
  const edges = [1e-4, 0.1, 1, 10, 9999999, 0.99999994, 9.999999, 99999.99, 1.0000001];
  const values = edges.flatMap((e) => [Math.fround(e), -Math.fround(e)]);
  for (let i = 0; i < 200_000; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    // Exponent bits 114..150 cover about 1e-5 .. 1.7e7; mantissa bits from the LCG.
    bits[0] = (((114 + (state % 37)) << 23) | (Math.imul(state, 2654435761) >>> 9)) >>> 0;
    if (view[0] < 1e7) values.push(i % 2 ? view[0] : -view[0]);
  }
  assert.ok(values.length > 190_000);
  for (const f of values) {
    assert.equal(float32Json(f), String(float32Number(f)), String(f));
  }
});
