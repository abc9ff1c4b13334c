import { assertEquals, assertThrows } from "../../testing/assert.ts";
import { HttpError } from "../errors.ts";
import { checkPngSize, MAX_PNG_PIXELS } from "./limits.ts";

const MNIST = { kind: "image", sampleShape: [28, 28, 1] };

Deno.test("checkPngSize() lets through grids up to the cap and names 'scale' above it", () => {
  checkPngSize(MNIST, { n: 256, scale: 2 }); // 802,816 pixels
  checkPngSize(MNIST, { n: 1, scale: 8 });
  checkPngSize({ kind: "points2d", sampleShape: [2] }, { n: 256, scale: 8 }); // fixed-size plot
  const error = assertThrows(
    () => checkPngSize(MNIST, { n: 256, scale: 8 }),
    HttpError,
    "'scale' 8",
  );
  assertEquals(error.status, 400);
  // 256 x 784 x 3^2 = 1,806,336 fits, 4^2 does not.
  assertEquals(error.message.includes("use scale <= 3 or a smaller n"), true);
  assertEquals(256 * 28 * 28 * 3 * 3 <= MAX_PNG_PIXELS, true);
  assertEquals(256 * 28 * 28 * 4 * 4 <= MAX_PNG_PIXELS, false);
});
