/**
 * Job inputs as one float array per row, so a job splits into row blocks however it is carried:
 * the latents `// [n, latentDim]`, with each row's class appended for class-conditional models
 * (`// [n, latentDim + 1]`; class indices are small integers, exact in float32).
 *
 * @module
 */

/** `z` with `classes` appended per row, or `z` itself for an unconditional model. */
export function packRows(z: Float32Array, latentDim: number, classes?: Int32Array): Float32Array {
  if (!classes) return z;
  const n = classes.length, per = latentDim + 1;
  const rows = new Float32Array(n * per);
  for (let r = 0; r < n; r++) {
    rows.set(z.subarray(r * latentDim, (r + 1) * latentDim), r * per);
    rows[r * per + latentDim] = classes[r];
  }
  return rows;
}

/** The inverse of {@linkcode packRows}. */
export function unpackRows(
  rows: Float32Array,
  n: number,
  shape: { latentDim: number; conditional: boolean },
): { z: Float32Array; classes?: Int32Array } {
  const { latentDim } = shape;
  if (!shape.conditional) return { z: rows };
  const per = latentDim + 1;
  const z = new Float32Array(n * latentDim);
  const classes = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    z.set(rows.subarray(r * per, r * per + latentDim), r * latentDim);
    classes[r] = rows[r * per + latentDim];
  }
  return { z, classes };
}
