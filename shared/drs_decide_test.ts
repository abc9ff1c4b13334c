import assert from "node:assert/strict";
import { acceptProbability, createDrsState, decideBatch, type DrsState } from "./drs.ts";
import { normals, uniforms } from "./rng.ts";
import { assertAlmostEquals, assertClose } from "../testing/assert.ts";

Deno.test("createDrsState() starts counters at zero and rejects a non-finite logM", () => {
  assert.deepEqual(createDrsState(2.5), {
    logM: 2.5,
    logMRaises: 0,
    nonFiniteLogits: 0,
    proposals: 0,
    accepted: 0,
  });
  for (const logM of [NaN, Infinity, -Infinity]) {
    assert.throws(() => createDrsState(logM), {
      name: "RangeError",
      message: `Cannot compute DRS as 'logM' must be finite: current value is ${logM}`,
    });
  }
});

Deno.test("decideBatch() keeps exactly the proposals whose draw is below sigmoid(F)", () => {
  const logits = [-0.1, -2, -0.5, -7, -1e-6, -3];
  const options = { gamma: 13, epsilon: 1e-6 };
  const p = logits.map((l) => acceptProbability(l, 0, options));
  // Draws straddle each probability: just below keeps, equal or above rejects (u < p).
  const below = p.map((v) => v * (1 - 1e-12));
  const state1 = createDrsState(0);
  assert.deepEqual(decideBatch(logits, below, state1, options), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(decideBatch(logits, p, createDrsState(0), options), []);
  const mixed = p.map((v, i) => (i % 2 === 0 ? v * 0.999 : Math.min(1, v * 1.001)));
  const state2 = createDrsState(0);
  assert.deepEqual(decideBatch(logits, mixed, state2, options), [0, 2, 4]);
  assert.deepEqual(state2, {
    logM: 0,
    logMRaises: 0,
    nonFiniteLogits: 0,
    proposals: 6,
    accepted: 3,
  });
  // Independent closed form for one case: p = sigmoid(d - ln(1 - e^(d - eps)) - gamma).
  const d = -0.5, eps = 1e-6, gamma = 13;
  const f = d - Math.log(1 - Math.exp(d - eps)) - gamma;
  assertClose(p[2], 1 / (1 + Math.exp(-f)), { rel: 1e-12 });
});

Deno.test("decideBatch() never keeps a proposal with p = 0, even with a draw of 0", () => {
  const state = createDrsState(0);
  assert.deepEqual(decideBatch([-Infinity, -1e5, -Infinity], [0, 0, 0], state, { gamma: 100 }), []);
  // -Infinity is a valid (certainly fake) logit: rejected through p = 0, not counted non-finite.
  assert.equal(state.nonFiniteLogits, 0);
  assert.equal(state.proposals, 3);
  assert.equal(state.logM, 0);
});

Deno.test("decideBatch() raises logM online, counts the raise and decides later proposals with it", () => {
  const state = createDrsState(0);
  const options = { gamma: 0 };
  // Index 1 (logit 2) raises logM to 2; it sits at the argmax, so p = 1 - 1e-6 and it is kept.
  // Index 2 (logit 0) is decided against logM = 2: p = sigmoid(F(-2)) ~ 0.156 < 0.5, rejected.
  // Against the old logM = 0 it would have had p ~ 1 and been kept with the same draw.
  const p0Raised = acceptProbability(0, 2, options);
  assertAlmostEquals(p0Raised, Math.exp(-2) / (1 + Math.exp(-2) * (1 - Math.exp(-1e-6))), 1e-12);
  assert.ok(acceptProbability(0, 0, options) > 0.99);
  const kept = decideBatch([-0.01, 2, 0, 2, 1.99], [0.9, 0.99, 0.5, 0.2, 0.95], state, options);
  assert.deepEqual(kept, [0, 1, 3, 4]);
  assert.equal(state.logM, 2);
  assert.equal(state.logMRaises, 1); // the second 2 equals logM: not a raise
  assert.equal(state.accepted, 4);
  // The raise persists for the rest of the run (the next batch).
  const kept2 = decideBatch([0, 0.0], [0.1, p0Raised], state, options);
  assert.deepEqual(kept2, [0]);
  assert.equal(state.logM, 2);
  assert.equal(state.proposals, 7);
  // A further raise is counted again.
  decideBatch([3, -1], [1, 1], state, options);
  assert.equal(state.logM, 3);
  assert.equal(state.logMRaises, 2);
  assert.equal(state.proposals, 9);
  assert.equal(state.accepted, 5);
});

Deno.test("decideBatch() rejects and counts NaN and +Infinity logits without raising logM", () => {
  const state = createDrsState(1);
  // Draws of 0 would keep any proposal with p > 0.
  const kept = decideBatch([NaN, Infinity, 0.5, NaN, 1, Infinity], [0, 0, 0, 0, 0, 0], state);
  assert.deepEqual(kept, [2, 4]);
  assert.deepEqual(state, {
    logM: 1,
    logMRaises: 0,
    nonFiniteLogits: 4,
    proposals: 6,
    accepted: 2,
  });
  // After a NaN the run still works: logM is finite and later logits are compared to it.
  assert.deepEqual(decideBatch([1.5], [0.5], state), [0]);
  assert.equal(state.logM, 1.5);
  assert.equal(state.logMRaises, 1);
});

/** 1000 logits with several online raises, NaN/Inf sprinkled in, and their accept draws. */
function fixture(): { logits: Float64Array; draws: Float64Array } {
  const n = 1000;
  const z = normals(7, { start: 0, count: n, dim: 1 });
  const logits = new Float64Array(n);
  for (let i = 0; i < n; i++) logits[i] = 0.5 * z[i] + i / 2000; // drifts up: raises keep coming
  logits[13] = NaN;
  logits[500] = Infinity;
  logits[501] = -Infinity;
  logits[990] = 1e3; // one big raise late in the run
  return { logits, draws: uniforms(7, { start: 0, count: n }) };
}

function runInBatches(
  logits: Float64Array,
  draws: Float64Array,
  batch: number,
  logM0: number,
  gamma: number,
): { kept: number[]; state: DrsState } {
  const state = createDrsState(logM0);
  const kept: number[] = [];
  for (let start = 0; start < logits.length; start += batch) {
    const end = Math.min(logits.length, start + batch);
    const local = decideBatch(logits.subarray(start, end), draws.subarray(start, end), state, {
      gamma,
    });
    for (const i of local) kept.push(start + i);
  }
  return { kept, state };
}

Deno.test("decideBatch() keeps the same indices whatever the batch size (1, 7, 256 vs 1000)", () => {
  const { logits, draws } = fixture();
  for (const gamma of [0, 2, -1]) {
    const whole = runInBatches(logits, draws, 1000, 1, gamma);
    // The fixture exercises the online max and the non-finite path, else this proves little.
    assert.ok(whole.state.logMRaises >= 5, `raises: ${whole.state.logMRaises}`);
    assert.equal(whole.state.nonFiniteLogits, 2);
    assert.equal(whole.state.logM, 1e3);
    assert.ok(whole.kept.length > 20 && whole.kept.length < 980, `kept ${whole.kept.length}`);
    for (const batch of [1, 7, 256]) {
      const split = runInBatches(logits, draws, batch, 1, gamma);
      assert.deepEqual(split.kept, whole.kept, `batch ${batch}, gamma ${gamma}`);
      assert.deepEqual(split.state, whole.state, `batch ${batch}, gamma ${gamma}`);
    }
  }
});

Deno.test("decideBatch() kept indices are those of a one-by-one reference loop", () => {
  const { logits, draws } = fixture();
  const whole = runInBatches(logits, draws, 1000, 1, 0);
  // Independent re-implementation of Algorithm 1, step 3, with the naive formula.
  let logM = 1;
  const expected: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const l = logits[i];
    if (Number.isNaN(l) || l === Infinity) continue;
    logM = Math.max(logM, l);
    const d = l - logM;
    const f = d - Math.log(1 - Math.exp(d - 1e-6));
    const p = l === -Infinity ? 0 : 1 / (1 + Math.exp(-f));
    // Skip draws within 1e-9 of p, where the naive formula could round the other way.
    if (Math.abs(draws[i] - p) < 1e-9) continue;
    if (draws[i] < p) expected.push(i);
  }
  assert.deepEqual(whole.kept, expected);
});

Deno.test("decideBatch() throws when draws are shorter than logits, before touching the state", () => {
  const state = createDrsState(0);
  assert.throws(() => decideBatch([-1, -2, -3], [0.5, 0.5], state), {
    name: "RangeError",
    message: "Cannot decide as 'draws' must hold one draw per logit: 2 < 3",
  });
  assert.deepEqual(state, createDrsState(0));
  // Extra draws are allowed and ignored.
  assert.deepEqual(decideBatch([-1], [0, 0.5], state), [0]);
});

Deno.test("decideBatch() rejects bad gamma, epsilon and logM with messages naming them", () => {
  for (const gamma of [NaN, Infinity]) {
    assert.throws(() => decideBatch([-1, -2], [0.5, 0.5], createDrsState(0), { gamma }), {
      name: "RangeError",
      message: `Cannot compute DRS as 'gamma' must be finite: current value is ${gamma}`,
    });
  }
  for (const epsilon of [0, -1, NaN]) {
    assert.throws(() => decideBatch([-1, -2], [0.5, 0.5], createDrsState(0), { epsilon }), {
      name: "RangeError",
      message:
        `Cannot compute DRS as 'epsilon' must be positive and finite: current value is ${epsilon}`,
    });
  }
  const broken: DrsState = { ...createDrsState(0), logM: NaN };
  assert.throws(() => decideBatch([-1], [0.5], broken), {
    name: "RangeError",
    message: "Cannot compute DRS as 'logM' must be finite: current value is NaN",
  });
});

Deno.test("decideBatch() validates options before deciding anything, whatever the logits", () => {
  // Bad options must not depend on the data to be caught: an all-NaN batch (nothing to compute)
  // still throws, and a throw leaves the state as it was (no half-counted proposal).
  assert.throws(() => decideBatch([NaN, Infinity], [0.5, 0.5], createDrsState(0), { gamma: NaN }), {
    name: "RangeError",
    message: /'gamma' must be finite/,
  });
  const state = createDrsState(0);
  assert.throws(() => decideBatch([5, -1], [0.5, 0.5], state, { epsilon: 0 }), {
    name: "RangeError",
    message: /'epsilon' must be positive and finite/,
  });
  assert.deepEqual(state, createDrsState(0));
});
