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
  const kept = decideBatchIn({ logits, draws: u, lane }, lanes);
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
    () => decideBatchIn({ logits: [0.5, 0.5], draws: [0.1, 0.1], lane: [0, 0] }, lanes),
    /'gamma' must be finite: current value is NaN/,
  );
  assert.equal(lanes[0].state.proposals, 0);
});

Deno.test("decideBatchIn() stops at the limit-th kept proposal: later ones are never seen", () => {
  const n = 500;
  const u = uniforms(2, { start: 0, count: n });
  const logits = Float64Array.from({ length: n }, (_, i) => Math.cos(i) * 2 + (i === 300 ? 9 : 0));
  const lanes = () => [{ state: createDrsState(2.5), options: { gamma: -1 } }];
  const all = lanes();
  const kept = decideBatchIn({ logits, draws: u }, all);
  assert.ok(kept.length > 20 && kept[9] < 300, `${kept.length} kept, 10th at ${kept[9]}`);
  const limited = lanes();
  assert.deepEqual(decideBatchIn({ logits, draws: u }, limited, { limit: 10 }), kept.slice(0, 10));
  // The reference: the same proposals up to the 10th kept one, decided without a limit.
  const upTo = lanes();
  decideBatch(logits.subarray(0, kept[9] + 1), u, upTo[0].state, upTo[0].options);
  assert.deepEqual(limited[0].state, upTo[0].state);
  assert.equal(limited[0].state.proposals, kept[9] + 1);
  assert.equal(limited[0].state.logMRaises, 0); // the raise at proposal 300 is past the limit
  assert.ok(all[0].state.logMRaises >= 1);
});
