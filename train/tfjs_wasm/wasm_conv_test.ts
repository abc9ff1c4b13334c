import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { uniforms } from "../../shared/rng.ts";
import { setupTf } from "../tf_setup.ts";
import { installWasmConvKernels } from "./wasm_conv.ts";
import "./tf_grad_fixes.ts";

// Error norm: relative L2 (Frobenius) error ||got - want||_2 / ||want||_2 of the whole tensor,
// against the tfjs-cpu backend (an independent implementation) as `want`.
const TOLERANCE = 1e-4;

function relativeL2(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0, norm = 0;
  for (let i = 0; i < want.length; i++) {
    diff += (got[i] - want[i]) ** 2;
    norm += want[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}

function assertRelClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.deepEqual(got.length, want.length, `${what}: length`);
  const err = relativeL2(got, want);
  assert.ok(err <= TOLERANCE, `${what}: relative L2 error ${err} > ${TOLERANCE}`);
}

/** Seeded values in [-1, 1). */
function values(count: number, seed: number): Float32Array {
  return Float32Array.from(uniforms(seed, { start: 0, count }, { stream: 1 }), (u) => 2 * u - 1);
}

/** Runs `f` on `backend` (tensors made inside are disposed) and returns its outputs' values. */
async function on(backend: "cpu" | "wasm", f: () => tf.Tensor[]): Promise<Float32Array[]> {
  assert.deepEqual(await setupTf(backend), backend);
  return tf.tidy(() => f().map((t) => t.dataSync() as Float32Array));
}

interface Case {
  x: [number, number, number, number];
  kernel: number;
  outC: number;
  stride: 1 | 2;
  pad: "same" | "valid";
}

/** Random shapes: batch 1..8, size 5..16, channels 1..16, kernel 3/4/5, stride 1/2, both pads. */
function randomCases(count: number, seed: number): Case[] {
  const u = uniforms(seed, { start: 0, count: 8 * count }, { stream: 2 });
  const pick = <T>(i: number, options: readonly T[]) => options[Math.floor(u[i] * options.length)];
  return Array.from({ length: count }, (_, c) => {
    const r = (j: number) => 8 * c + j;
    const kernel = pick(r(0), [3, 4, 5] as const);
    return {
      x: [
        pick(r(1), [1, 2, 3, 8]),
        kernel + Math.floor(u[r(2)] * 12),
        kernel + Math.floor(u[r(3)] * 12),
        pick(r(4), [1, 2, 3, 8, 16]),
      ],
      kernel,
      outC: pick(r(5), [1, 4, 8, 16]),
      stride: pick(r(6), [1, 2] as const),
      pad: pick(r(7), ["same", "valid"] as const),
    };
  });
}

/** dx and dW of `sum(conv2d(x, w) * dy)` through the registered gradient kernels. */
function convGradients(c: Case, seed: number): tf.Tensor[] {
  const x = tf.tensor4d(values(c.x.reduce((a, b) => a * b), seed), c.x);
  const wShape = [c.kernel, c.kernel, c.x[3], c.outC] as [number, number, number, number];
  const w = tf.tensor4d(values(wShape.reduce((a, b) => a * b), seed + 1), wShape);
  const conv = (xx: tf.Tensor, ww: tf.Tensor) =>
    tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.stride, c.pad);
  const outShape = conv(x, w).shape;
  const dy = tf.tensor(values(outShape.reduce((a, b) => a * b), seed + 2), outShape);
  return tf.grads(conv)([x, w], dy); // [dx, dW]
}

Deno.test("installWasmConvKernels() matches tfjs-cpu's conv gradients on random shapes", async () => {
  const cases: Case[] = [
    ...randomCases(40, 11),
    // Enough columns that both kernels work in several chunks (the last one partial).
    { x: [9, 16, 16, 16], kernel: 5, outC: 8, stride: 1, pad: "same" },
    { x: [5, 28, 28, 32], kernel: 5, outC: 4, stride: 1, pad: "same" },
    { x: [7, 28, 28, 1], kernel: 4, outC: 32, stride: 2, pad: "same" },
  ];
  for (const [i, c] of cases.entries()) {
    const want = await on("cpu", () => convGradients(c, 100 + i));
    const got = await on("wasm", () => convGradients(c, 100 + i));
    const what = `x [${c.x}] k${c.kernel} -> ${c.outC}, stride ${c.stride}, ${c.pad}`;
    assertRelClose(got[0], want[0], `${what}: dx`);
    assertRelClose(got[1], want[1], `${what}: dW`);
  }
});

Deno.test("installWasmConvKernels() is idempotent and its kernels free what they allocate", async () => {
  assert.deepEqual(await setupTf("wasm"), "wasm");
  assert.ok(installWasmConvKernels());
  assert.ok(installWasmConvKernels());
  const c: Case = { x: [9, 16, 16, 16], kernel: 5, outC: 8, stride: 2, pad: "same" };
  convGradients(c, 1).forEach((t) => t.dispose()); // warm-up
  const before = tf.engine().backend.numDataIds();
  tf.tidy(() => {
    convGradients(c, 1);
  });
  assert.deepEqual(tf.engine().backend.numDataIds(), before);
});

/** A tiny conv net (conv, strided conv, transposed conv, dense) and its parameters. */
function tinyNet(): { loss: () => tf.Scalar; params: tf.Variable[] } {
  const v = (shape: number[], seed: number, scale: number) =>
    tf.variable(tf.tensor(values(shape.reduce((a, b) => a * b), seed), shape).mul(scale));
  const v4 = (shape: number[], seed: number, scale: number) =>
    v(shape, seed, scale) as tf.Variable<tf.Rank.R4>;
  const w1 = v4([3, 3, 1, 8], 1, 0.5), b1 = v([8], 2, 0.1);
  const w2 = v4([4, 4, 8, 16], 3, 0.2), b2 = v([16], 4, 0.1);
  const w3 = v4([4, 4, 4, 16], 5, 0.2); // transposed conv 16 -> 4 channels
  const w4 = v4([5, 5, 4, 2], 6, 0.2);
  const dense = v([6 * 6 * 2, 3], 7, 0.2);
  const x = tf.tensor4d(values(4 * 12 * 12, 8), [4, 12, 12, 1]);
  const target = tf.oneHot(tf.tensor1d([0, 2, 1, 2], "int32"), 3);
  const loss = () =>
    tf.tidy(() => {
      let h: tf.Tensor4D = tf.leakyRelu(tf.conv2d(x, w1, 1, "same").add(b1), 0.2); // [4, 12, 12, 8]
      h = tf.relu(tf.conv2d(h, w2, 2, "same").add(b2)); // [4, 6, 6, 16]
      h = tf.tanh(tf.conv2dTranspose(h, w3, [4, 12, 12, 4], 2, "same")); // [4, 12, 12, 4]
      h = tf.conv2d(h, w4, 2, "same"); // [4, 6, 6, 2]
      const logits = h.reshape([4, 72]).matMul(dense); // [4, 3]
      return tf.losses.softmaxCrossEntropy(target, logits) as tf.Scalar;
    });
  return { loss, params: [w1, b1, w2, b2, w3, w4, dense] };
}

Deno.test("a tiny conv net's tf.variableGrads() agree on wasm and cpu", async () => {
  const run = () => {
    const net = tinyNet();
    const { value, grads } = tf.variableGrads(net.loss, net.params);
    const out = [value, ...net.params.map((p) => grads[p.name])];
    net.params.forEach((p) => p.dispose());
    return out;
  };
  const want = await on("cpu", run);
  const got = await on("wasm", run);
  assertRelClose(got[0], want[0], "loss");
  const names = ["w1", "b1", "w2", "b2", "w3 (transposed)", "w4", "dense"];
  names.forEach((name, i) => assertRelClose(got[i + 1], want[i + 1], `grad of ${name}`));
});

Deno.test("an R1-style penalty through a conv D has the same parameter gradient on wasm and cpu", async () => {
  // d/dw |d conv-net(x)/dx|^2 goes through the gradient of Conv2DBackpropInput, which uses
  // Conv2DBackpropFilter (second order through both kernels).
  const run = () => {
    const w1 = tf.variable(
      tf.tensor4d(values(4 * 4 * 1 * 6, 21), [4, 4, 1, 6]).mul(0.5),
    ) as tf.Variable<
      tf.Rank.R4
    >;
    const w2 = tf.variable(
      tf.tensor4d(values(3 * 3 * 6 * 1, 22), [3, 3, 6, 1]).mul(0.5),
    ) as tf.Variable<
      tf.Rank.R4
    >;
    const x = tf.tensor4d(values(3 * 10 * 10, 23), [3, 10, 10, 1]);
    const d = (xx: tf.Tensor) =>
      tf.conv2d(tf.leakyRelu(tf.conv2d(xx as tf.Tensor4D, w1, 2, "same"), 0.2), w2, 1, "valid");
    const { grads } = tf.variableGrads(
      () => tf.grad((xx: tf.Tensor) => d(xx).sum())(x).square().sum() as tf.Scalar,
      [w1, w2],
    );
    const out = [grads[w1.name], grads[w2.name]];
    tf.dispose([w1, w2]);
    return out;
  };
  const want = await on("cpu", run);
  const got = await on("wasm", run);
  assertRelClose(got[0], want[0], "grad of w1");
  assertRelClose(got[1], want[1], "grad of w2");
});

Deno.test("the wasm conv gradient kernels reject NCHW and dilation with a clear error", async () => {
  assert.deepEqual(await setupTf("wasm"), "wasm");
  const x = tf.zeros([1, 6, 6, 2]), dy = tf.zeros([1, 6, 6, 3]);
  const attrs = { strides: 1, pad: "same", filterShape: [3, 3, 2, 3] };
  assert.throws(
    () =>
      tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { ...attrs, dataFormat: "NCHW" }),
    {
      name: "Error",
      message:
        /Cannot run Conv2DBackpropFilter on wasm as 'dataFormat' must be 'NHWC': current value is 'NCHW'/,
    },
  );
  assert.throws(
    () => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { ...attrs, dilations: 2 }),
    { name: "Error", message: /'dilations' must be 1: current value is 2/ },
  );
  // tfjs refuses the gradient of a dilated conv before any kernel runs.
  const w = tf.zeros([3, 3, 2, 3]) as tf.Tensor4D;
  assert.throws(
    () => tf.grad((xx: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, w, 1, "same", "NHWC", 2))(x),
    { name: "Error", message: /dilation rates greater than 1/ },
  );
  tf.dispose([x, dy, w]);
});
