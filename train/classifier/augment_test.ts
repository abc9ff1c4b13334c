import { assertEquals } from "../../testing/assert.ts";
import { shiftImage } from "./augment.ts";

Deno.test("shiftImage() moves content right/down and fills the border", () => {
  const src = new Float32Array(784);
  src[5 * 28 + 7] = 1; // row 5, column 7
  const out = { data: new Float32Array(2 * 784), offset: 784, fill: -1 };
  shiftImage(src, { dx: 2, dy: -1 }, out);
  const img = out.data.subarray(784);
  assertEquals(img[4 * 28 + 9], 1);
  assertEquals(img[5 * 28 + 7], 0);
  assertEquals(img[27 * 28 + 0], -1, "row shifted in from below is fill");
  assertEquals(img[0 * 28 + 1], -1, "columns shifted in from the left are fill");
  assertEquals(img[0 * 28 + 2], 0);
  assertEquals(out.data[0], 0, "only the target slot is written");
});
