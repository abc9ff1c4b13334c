/**
 * Symmetric eigendecomposition (Householder tridiagonalization, then the implicit QL method,
 * as in JAMA / EISPACK tred2 and tql2; float64) and what the Frechet distance needs from it:
 * the square root of a positive semi-definite matrix and
 * tr(sqrt(S1^(1/2) S2 S1^(1/2))) = tr(sqrt(S1 S2)).
 *
 * Matrices are row-major `Float64Array`s of n * n values.
 *
 * @module
 */

/** Eigenvalues and eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** `// [n]`, in no particular order. */
  values: Float64Array;
  /** Column k is the unit eigenvector of values[k]: `// [n, n]` row-major. */
  vectors: Float64Array;
}

/** Options for {@linkcode symmetricEigen}. */
export interface EigenOptions {
  /** QL iterations allowed per eigenvalue before giving up. @default {60} */
  maxIterations?: number;
}

/** Householder reduction of `v` (`// [n, n]`, overwritten with the transform) to d, e. */
function tridiagonalize(v: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = v[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[(i - 1) * n + j];
        v[i * n + j] = 0;
        v[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        v[j * n + i] = f;
        g = e[j] + v[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k * n + j] * d[k];
          e[k] += v[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) v[k * n + j] -= f * e[k] + g * d[k];
        d[j] = v[(i - 1) * n + j];
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    v[(n - 1) * n + i] = v[i * n + i];
    v[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k * n + i + 1] * v[k * n + j];
        for (let k = 0; k <= i; k++) v[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[(n - 1) * n + j];
    v[(n - 1) * n + j] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal d, e; accumulates the rotations into `v`. */
function diagonalize(
  v: Float64Array,
  n: number,
  tri: { d: Float64Array; e: Float64Array; maxIterations: number },
): void {
  const { d, e } = tri;
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > tri.maxIterations) {
          throw new Error(
            `Cannot decompose as eigenvalue ${l} did not converge in ${tri.maxIterations} ` +
              "QL iterations",
          );
        }
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = c, c3 = c, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const vk = k * n;
            h = v[vk + i + 1];
            v[vk + i + 1] = s * v[vk + i] + c * h;
            v[vk + i] = c * v[vk + i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** Eigendecomposition of the symmetric `a` (`// [n, n]`, left untouched). */
export function symmetricEigen(
  a: Float64Array,
  n: number,
  options: EigenOptions = {},
): SymmetricEigen {
  if (a.length !== n * n) {
    throw new RangeError(
      `Cannot decompose as the matrix has ${a.length} values: expected ${n * n}`,
    );
  }
  const vectors = Float64Array.from(a);
  const values = new Float64Array(n), e = new Float64Array(n);
  if (n === 0) return { values, vectors };
  tridiagonalize(vectors, n, values, e);
  diagonalize(vectors, n, { d: values, e, maxIterations: options.maxIterations ?? 60 });
  return { values, vectors };
}

/** V diag(f(values)) V^T: `// [n, n]`. */
function rebuild(e: SymmetricEigen, n: number, f: (x: number) => number): Float64Array {
  const out = new Float64Array(n * n);
  const d = e.values.map(f);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += e.vectors[i * n + k] * d[k] * e.vectors[j * n + k];
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return out;
}

/** The PSD square root of a symmetric PSD matrix (tiny negative eigenvalues clamp to 0). */
export function sqrtPsd(a: Float64Array, n: number): Float64Array {
  return rebuild(symmetricEigen(a, n), n, (x) => Math.sqrt(Math.max(0, x)));
}

/** a b for square matrices: `// [n, n] x [n, n] -> [n, n]`. */
export function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j];
    }
  }
  return out;
}

/** tr(sqrt(S1^(1/2) S2 S1^(1/2))) for symmetric PSD S1, S2. */
export function traceSqrtProduct(s1: Float64Array, s2: Float64Array, n: number): number {
  const r = sqrtPsd(s1, n);
  const m = matMul(matMul(r, s2, n), r, n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const avg = (m[i * n + j] + m[j * n + i]) / 2; // symmetric up to rounding
      m[i * n + j] = avg;
      m[j * n + i] = avg;
    }
  }
  return symmetricEigen(m, n).values.reduce((sum, x) => sum + Math.sqrt(Math.max(0, x)), 0);
}

/** Mean and covariance (divided by n - 1) of gaussian statistics. */
export interface GaussianStats {
  dim: number;
  mean: Float64Array;
  /** `// [dim, dim]` */
  cov: Float64Array;
}

/** Mean and sample covariance of `n` rows of `dim` values (`// [n, dim]`). */
export function gaussianStats(rows: ArrayLike<number>, n: number, dim: number): GaussianStats {
  if (n < 2) throw new RangeError(`Cannot estimate a covariance from ${n} rows: expected >= 2`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += rows[i * dim + d];
  for (let d = 0; d < dim; d++) mean[d] /= n;
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) centred[d] = rows[i * dim + d] - mean[d];
    for (let a = 0; a < dim; a++) {
      const ca = centred[a];
      if (ca === 0) continue;
      for (let b = a; b < dim; b++) cov[a * dim + b] += ca * centred[b];
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      cov[a * dim + b] /= n - 1;
      cov[b * dim + a] = cov[a * dim + b];
    }
  }
  return { dim, mean, cov };
}

/** Frechet distance between two Gaussians: |mu1 - mu2|^2 + tr(S1 + S2 - 2 sqrt(S1 S2)). */
export function frechetDistance(x: GaussianStats, y: GaussianStats): number {
  if (x.dim !== y.dim) {
    throw new RangeError(`Cannot compare statistics of dimension ${x.dim} and ${y.dim}`);
  }
  const n = x.dim;
  let d = 0, tr = 0;
  for (let i = 0; i < n; i++) {
    d += (x.mean[i] - y.mean[i]) ** 2;
    tr += x.cov[i * n + i] + y.cov[i * n + i];
  }
  return d + tr - 2 * traceSqrtProduct(x.cov, y.cov, n);
}
