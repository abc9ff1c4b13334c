import assert from "node:assert/strict";
import { parseIdx } from "./idx.ts";

/** IDX bytes by hand: magic 0x0000, type, rank, big-endian dims, values. */
function idx(dims: number[], values: number[], type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  out.set([0, 0, type, dims.length]);
  dims.forEach((d, k) => new DataView(out.buffer).setUint32(4 + 4 * k, d, false));
  out.set(values, 4 + 4 * dims.length);
  return out;
}

Deno.test("parseIdx() reads big-endian dims and row-major bytes", () => {
  const a = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 255]), "x");
  assert.deepEqual(a.dims, [2, 3]);
  assert.deepEqual(Array.from(a.data), [1, 2, 3, 4, 5, 255]);
  const big = parseIdx(idx([258], new Array(258).fill(7)), "y");
  assert.deepEqual(big.dims, [258]);
});

Deno.test("parseIdx() names the file and the problem on corrupt input", () => {
  assert.throws(() => parseIdx(new Uint8Array(2), "f"), {
    name: "IdxError",
    message: /Cannot read IDX 'f' as it has 2 bytes/,
  });
  const badMagic = idx([1], [0]);
  badMagic[0] = 0x1f;
  assert.throws(() => parseIdx(badMagic, "f"), {
    name: "IdxError",
    message: /magic number starts with 0x1f00/,
  });
  assert.throws(() => parseIdx(idx([1], [0], 0x0d), "f"), {
    name: "IdxError",
    message: /value type is 0x0d/,
  });
  assert.throws(() => parseIdx(idx([2, 2], [1, 2, 3]), "f"), {
    name: "IdxError",
    message: /declares \[2, 2\] \(4 values\)/,
  });
  assert.throws(() => parseIdx(idx([3, 3], []).subarray(0, 8), "f"), {
    name: "IdxError",
    message: /12-byte header/,
  });
});
