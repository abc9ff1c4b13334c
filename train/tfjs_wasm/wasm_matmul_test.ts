import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals } from "../../testing/assert.ts";
import { setupTf } from "../tf_setup.ts";
import { installWasmMatMulFix } from "./wasm_matmul.ts";
import "./tf_grad_fixes.ts";

/** Naive row-major product of a [m, k] and b [k, n] (transposes applied by index). */
function naive(
  a: Float32Array,
  b: Float32Array,
  dims: { m: number; k: number; n: number; ta: boolean; tb: boolean },
): Float64Array {
  const { m, k, n, ta, tb } = dims;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) {
        s += (ta ? a[t * m + i] : a[i * k + t]) * (tb ? b[j * k + t] : b[t * n + j]);
      }
      out[i * n + j] = s;
    }
  }
  return out;
}

Deno.test("installWasmMatMulFix() keeps every transpose combination exact and leak-free", async () => {
  assert.equal(await setupTf("wasm"), "wasm");
  assert.ok(installWasmMatMulFix());
  assert.ok(installWasmMatMulFix(), "idempotent");
  const [m, k, n] = [5, 7, 3];
  const fill = (len: number, s: number) =>
    Float32Array.from({ length: len }, (_, i) => Math.sin(i * s));
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const a = fill(m * k, 0.7), b = fill(k * n, 1.3);
      const before = tf.engine().backend.numDataIds();
      const got = tf.tidy(() =>
        tf.matMul(
          tf.tensor2d(a, ta ? [k, m] : [m, k]),
          tf.tensor2d(b, tb ? [n, k] : [k, n]),
          ta,
          tb,
        )
          .dataSync()
      );
      assert.deepEqual(tf.engine().backend.numDataIds(), before, `leak with ${ta}/${tb}`);
      const want = naive(a, b, { m, k, n, ta, tb });
      want.forEach((v, i) => assertAlmostEquals(got[i], v, 1e-5));
    }
  }
  // Batched (rank 3) operands, as the fused dense gradient uses.
  const a3 = tf.tensor3d(fill(2 * k * m, 0.3), [2, k, m]),
    b3 = tf.tensor3d(fill(2 * k * n, 0.9), [2, k, n]);
  const got3 = tf.matMul(a3, b3, true, false).dataSync();
  for (let batch = 0; batch < 2; batch++) {
    const want = naive(
      fill(2 * k * m, 0.3).subarray(batch * k * m, (batch + 1) * k * m),
      fill(2 * k * n, 0.9).subarray(batch * k * n, (batch + 1) * k * n),
      { m, k, n, ta: true, tb: false },
    );
    want.forEach((v, i) => assertAlmostEquals(got3[batch * m * n + i], v, 1e-5));
  }
  tf.dispose([a3, b3]);
});

Deno.test("tf_grad_fixes makes R1-style second derivatives through LeakyReLU work", () => {
  // f(w) = sum_i (d/dx_i leaky(w x_i))^2 = sum_i (w s_i)^2 with s_i = 1 if w x_i > 0 else alpha,
  // so df/dw = 2 w sum_i s_i^2 (an independent closed form).
  const alpha = 0.2, w0 = 1.5, xs = [0.5, -1, 2, -0.25];
  const x = tf.tensor1d(xs);
  const f = (w: tf.Tensor) =>
    tf.grad((xx: tf.Tensor) => tf.leakyRelu(tf.mul(w, xx), alpha).sum())(x).square().sum();
  const g = tf.grad(f)(tf.scalar(w0)).dataSync()[0];
  const s2 = xs.reduce((acc, v) => acc + (w0 * v > 0 ? 1 : alpha * alpha), 0);
  assertAlmostEquals(g, 2 * w0 * s2, 1e-5);
  x.dispose();
});
