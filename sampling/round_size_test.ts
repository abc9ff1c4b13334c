import assert from "node:assert/strict";
import type { Backend } from "../backends/mod.ts";
import { batchSize, quantileRound } from "./drs.ts";
import { measureCallCost } from "./call_cost.ts";

/** P(Bin(k, p) >= r), exactly. */
function atLeast(r: number, k: number, p: number): number {
  let below = 0, term = Math.pow(1 - p, k); // P(X = 0)
  for (let j = 0; j < r; j++) {
    below += term;
    term *= ((k - j) / (j + 1)) * (p / (1 - p));
  }
  return 1 - below;
}

Deno.test("quantileRound() is the smallest round holding r acceptances with probability q", () => {
  assert.equal(quantileRound(1, 0.2, 0.5), 4); // 1 - 0.8^3 = 0.49 < 0.5 <= 1 - 0.8^4
  assert.equal(quantileRound(1, 0.2, 0.99), 21);
  for (const [r, p] of [[10, 0.3], [40, 0.2], [256, 0.5]]) {
    const k = quantileRound(r, p, 0.99);
    assert.ok(atLeast(r, k, p) >= 0.985, `r=${r} p=${p}: ${atLeast(r, k, p)} at k=${k}`);
    assert.ok(atLeast(r, Math.floor(k * 0.9), p) < 0.99, `r=${r} p=${p}: k=${k} not much too big`);
  }
});

Deno.test("batchSize() keeps one likely round for cheap proposals and quantile rounds for costly ones", () => {
  // No cost, or a call that costs as much as many proposals (grid25): one round w.h.p.
  assert.equal(batchSize(1, 0.2), 20);
  assert.equal(batchSize(1, 0.2, { callCost: 30 }), 20);
  // An image G+D (the call's fixed part worth half a proposal): about the median first...
  assert.equal(batchSize(1, 0.2, { callCost: 0.5 }, true), 4);
  // ...then the 98th percentile of what is left.
  assert.equal(batchSize(1, 0.2, { callCost: 0.5 }, false), 18);
  assert.ok(batchSize(16, 0.2, { callCost: 0.5 }) < batchSize(16, 0.2));
});

Deno.test("measureCallCost() recovers c0 / c1 of a backend costing c0 + c1 k per call", async () => {
  let clock = 0;
  const backend = {
    name: "onnx",
    run: (_z: Float32Array, k: number) => {
      clock += 0.2 + 0.4 * k; // c0 = 0.2 ms, c1 = 0.4 ms
      return Promise.resolve({ x: new Float32Array(k), logits: new Float32Array(k) });
    },
  } as unknown as Backend;
  const ratio = await measureCallCost({ backend, latentDim: 4 }, { now: () => clock });
  assert.ok(Math.abs(ratio! - 0.5) < 1e-9, `${ratio}`);
  const free = {
    ...backend,
    run: (_z: Float32Array, k: number) => backend.run(_z, k).then((o) => (clock -= 0.4 * k, o)),
  } as Backend;
  assert.equal(
    await measureCallCost({ backend: free, latentDim: 4 }, { now: () => clock }),
    Infinity,
  );
});
