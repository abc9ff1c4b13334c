import assert from "node:assert/strict";
import { shiftImage } from "./augment.ts";

Deno.test("shiftImage() moves content right/down and fills the border", () => {
  const src = new Float32Array(784);
  src[5 * 28 + 7] = 1; // row 5, column 7
  const out = { data: new Float32Array(2 * 784), offset: 784, fill: -1 };
  shiftImage(src, { dx: 2, dy: -1 }, out);
  const img = out.data.subarray(784);
  assert.equal(img[4 * 28 + 9], 1);
  assert.equal(img[5 * 28 + 7], 0);
  assert.equal(img[27 * 28 + 0], -1, "row shifted in from below is fill");
  assert.equal(img[0 * 28 + 1], -1, "columns shifted in from the left are fill");
  assert.equal(img[0 * 28 + 2], 0);
  assert.equal(out.data[0], 0, "only the target slot is written");
});
