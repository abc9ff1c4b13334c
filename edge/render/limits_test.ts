import assert from "node:assert/strict";
import { HttpError } from "../errors.ts";
import { checkPngSize, MAX_PNG_PIXELS } from "./limits.ts";

const MNIST = { kind: "image", sampleShape: [28, 28, 1] };

Deno.test("checkPngSize() lets through grids up to the cap and names 'scale' above it", () => {
  checkPngSize(MNIST, { n: 256, scale: 2 }); // 802,816 pixels
  checkPngSize(MNIST, { n: 1, scale: 8 });
  checkPngSize({ kind: "points2d", sampleShape: [2] }, { n: 256, scale: 8 }); // fixed-size plot
  assert.throws(() => checkPngSize(MNIST, { n: 256, scale: 8 }), (error) => {
    assert.ok(error instanceof HttpError);
    assert.match(error.message, /'scale' 8/);
    assert.equal(error.status, 400);
    // 256 x 784 x 3^2 = 1,806,336 fits, 4^2 does not.
    assert.match(error.message, /use scale <= 3 or a smaller n/);
    return true;
  });
  assert.equal(256 * 28 * 28 * 3 * 3 <= MAX_PNG_PIXELS, true);
  assert.equal(256 * 28 * 28 * 4 * 4 <= MAX_PNG_PIXELS, false);
});
