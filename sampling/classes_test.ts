import assert from "node:assert/strict";
import type { Backend } from "../backends/mod.ts";
import { calibrateDrs } from "../shared/calibration.ts";
import { classesOf, sample, type SamplerModel, scoreProposals } from "./mod.ts";

/**
 * A class-conditional stand-in: G puts class c's sample at (c, z0) and D's logit is
 * -z0^2 / 2 + 3c, so each class has its own logit scale (and logM).
 */
function conditionalBackend(calls: { n: number; classes?: Int32Array }[] = []): Backend {
  const generate = (z: Float32Array, n: number, classes: Int32Array) => {
    const x = new Float32Array(2 * n);
    for (let r = 0; r < n; r++) [x[2 * r], x[2 * r + 1]] = [classes[r], z[2 * r]];
    return x;
  };
  return {
    name: "onnx",
    run(z, n, options = {}) {
      calls.push({ n, classes: options.classes });
      const x = generate(z, n, options.classes!);
      const logits = Float32Array.from(
        { length: n },
        (_, r) => -(x[2 * r + 1] ** 2) / 2 + 3 * x[2 * r],
      );
      return Promise.resolve({ x, logits });
    },
    generate(z, n, options = {}) {
      calls.push({ n, classes: options.classes });
      return Promise.resolve(generate(z, n, options.classes!));
    },
    dispose: () => Promise.resolve(),
  };
}

async function conditionalModel(): Promise<SamplerModel> {
  const backend = conditionalBackend();
  const shapes = { backend, latentDim: 2, classes: 3 };
  const perClass = [];
  for (let c = 0; c < 3; c++) {
    const logits = await scoreProposals(shapes, { seed: 5, count: 2000, label: c });
    const { logM, gamma, expectedAcceptance, burnInSamples, fQuantiles } = calibrateDrs(logits, {
      percentile: 80,
    });
    perClass.push({ logM, gamma, expectedAcceptance, burnInSamples, fQuantiles });
  }
  const all = calibrateDrs(await scoreProposals(shapes, { seed: 5, count: 2000 }), {
    percentile: 80,
  });
  return { ...shapes, sampleShape: [2], drs: { ...all, classes: perClass } };
}

Deno.test("classesOf() gives the asked class, or uniform classes that depend on (seed, index) only", () => {
  assert.deepEqual([...classesOf({ count: 10, fixed: 7, seed: 1 }, { start: 5, count: 3 })], [
    7,
    7,
    7,
  ]);
  const plan = { count: 10, seed: 42 };
  const whole = classesOf(plan, { start: 0, count: 20_000 });
  const part = classesOf(plan, { start: 1234, count: 10 });
  assert.deepEqual([...part], [...whole.subarray(1234, 1244)]);
  const counts = new Array(10).fill(0);
  for (const c of whole) counts[c]++;
  for (const k of counts) assert.ok(Math.abs(k - 2000) < 200, `${counts}`);
  assert.notDeepEqual([...classesOf({ count: 10, seed: 43 }, { start: 0, count: 20 })], [
    ...whole.subarray(0, 20),
  ]);
});

Deno.test("sample() of one class feeds that class to G and D and uses its DRS constants", async () => {
  const model = await conditionalModel();
  const request = { seed: 3, n: 50, label: 2, sampler: { kind: "drs" as const } };
  const r = await sample(model, request);
  assert.deepEqual([...r.labels!], new Array(50).fill(2));
  for (let i = 0; i < 50; i++) assert.equal(r.x[2 * i], 2);
  assert.equal(r.stats.logM, model.drs.classes![2].logM);
  assert.equal(r.stats.gamma, model.drs.classes![2].gamma);
  const raw = await sample(model, { ...request, sampler: { kind: "raw" } });
  assert.deepEqual([...raw.labels!], new Array(50).fill(2));
});

Deno.test("sample() without a class draws classes per proposal, the same however it batches", async () => {
  const model = await conditionalModel();
  const request = { seed: 9, n: 120, sampler: { kind: "drs" as const } };
  const big = await sample(model, request);
  const small = await sample(model, request, { maxBatch: 7, minBatch: 1 });
  assert.deepEqual([...small.x], [...big.x]);
  assert.deepEqual([...small.labels!], [...big.labels!]);
  assert.deepEqual(small.stats, big.stats);
  assert.equal(big.stats.logM, null, "no single class's logM describes a mixed request");
  assert.deepEqual(new Set(big.labels), new Set([0, 1, 2]));
  for (let i = 0; i < 120; i++) assert.equal(big.x[2 * i], big.labels![i]);
  // Each class is decided with its own logM: class 2's logits are 6 higher than class 0's, and
  // one shared logM would have rejected nearly every class-0 proposal.
  const share0 = big.labels!.filter((c) => c === 0).length / 120;
  assert.ok(share0 > 0.15, `class 0 share ${share0}`);
});
