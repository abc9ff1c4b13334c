import assert from "node:assert/strict";
import { createDrsState, decideBatch, decideBatchIn } from "./drs.ts";
import { uniforms } from "./rng.ts";

Deno.test("decideBatchIn() decides each lane as decideBatch() would on that lane's proposals", () => {
  const n = 2000;
  const u = uniforms(1, { start: 0, count: n });
  const lane = Uint8Array.from({ length: n }, (_, i) => (i * 7919) % 3);
  const logits = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 3 + lane[i] * 2);
  logits[17] = NaN;
  const calibrated = [{ logM: 1, gamma: 0 }, { logM: 2.5, gamma: 1 }, { logM: 3, gamma: -1 }];
  const lanes = calibrated.map((c) => ({
    state: createDrsState(c.logM),
    options: { gamma: c.gamma, epsilon: 1e-6 },
  }));
  const kept = decideBatchIn(logits, u, lanes, lane);
  for (const [k, c] of calibrated.entries()) {
    const ids = [...lane.keys()].filter((i) => lane[i] === k);
    const state = createDrsState(c.logM);
    const alone = decideBatch(
      ids.map((i) => logits[i]),
      ids.map((i) => u[i]),
      state,
      { gamma: c.gamma, epsilon: 1e-6 },
    ).map((j) => ids[j]);
    assert.deepEqual(kept.filter((i) => lane[i] === k), alone, `lane ${k}`);
    assert.deepEqual(lanes[k].state, state, `lane ${k} state`);
  }
  assert.equal(lanes[lane[17]].state.nonFiniteLogits, 1);
});

Deno.test("decideBatchIn() refuses a bad lane option before any state moves", () => {
  const lanes = [
    { state: createDrsState(1), options: { gamma: 0 } },
    { state: createDrsState(1), options: { gamma: NaN } },
  ];
  assert.throws(
    () => decideBatchIn([0.5, 0.5], [0.1, 0.1], lanes, [0, 0]),
    /'gamma' must be finite: current value is NaN/,
  );
  assert.equal(lanes[0].state.proposals, 0);
});
