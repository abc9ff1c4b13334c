/**
 * Shift augmentation for the classifier: each image moved by a whole number of pixels in
 * -max..max on both axes, the uncovered border filled with the background value.
 *
 * @module
 */

/**
 * Shifts one 28 x 28 image (`// [784]`) by (dx, dy) into `out`; pixels shifted in are
 * `fill`. A positive dx moves the content right, a positive dy moves it down.
 */
export function shiftImage(
  src: ArrayLike<number>,
  shift: { dx: number; dy: number },
  out: { data: Float32Array; offset: number; fill: number },
): void {
  const { dx, dy } = shift;
  for (let r = 0; r < 28; r++) {
    const sr = r - dy;
    for (let c = 0; c < 28; c++) {
      const sc = c - dx;
      const inside = sr >= 0 && sr < 28 && sc >= 0 && sc < 28;
      out.data[out.offset + r * 28 + c] = inside ? src[sr * 28 + sc] : out.fill;
    }
  }
}
