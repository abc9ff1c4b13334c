/**
 * Symmetric eigendecomposition (cyclic Jacobi rotations, float64) and what the Frechet
 * distance needs from it: the square root of a positive semi-definite matrix and
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
  /** Stop when the off-diagonal Frobenius norm is below tol times the matrix's. @default {1e-12} */
  tol?: number;
  /** @default {100} */
  maxSweeps?: number;
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
  const tol = options.tol ?? 1e-12, maxSweeps = options.maxSweeps ?? 100;
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += m[i] * m[i];
  const threshold = tol * tol * total;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * m[p * n + q] ** 2;
    if (off <= threshold) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const app = m[p * n + p], aqq = m[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          // columns p and q of m
          const mkp = m[k * n + p], mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          // rows p and q of m
          const mpk = m[p * n + k], mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i];
  return { values, vectors: v };
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
