import assert from "node:assert/strict";
import { calibrateDrs } from "../shared/calibration.ts";
import { normals } from "../shared/rng.ts";
import {
  batchSize,
  BudgetExhaustedError,
  roundChunks,
  sample,
  type SamplerModel,
  scoreProposals,
} from "./mod.ts";
import { fakeGridBackend, type FakeGridOptions } from "../testing/fake_backends.ts";

async function gridModel(options: FakeGridOptions = {}, logMShift = 0): Promise<SamplerModel> {
  const backend = fakeGridBackend(options);
  const { logits } = await fakeGridBackend().run(
    normals(1, { start: 0, count: 4000, dim: 3 }),
    4000,
  );
  const drs = calibrateDrs(logits, { percentile: 80 });
  return { backend, latentDim: 3, sampleShape: [2], drs: { ...drs, logM: drs.logM + logMShift } };
}

const DRS0 = { kind: "drs", gamma: 0 } as const;
const RAW = { kind: "raw" } as const;

function nearMode(x: Float32Array): number {
  let good = 0;
  for (let i = 0; i < x.length; i += 2) {
    const mx = 2 * Math.round(x[i] / 2), my = 2 * Math.round(x[i + 1] / 2);
    if (Math.hypot(x[i] - mx, x[i + 1] - my) <= 0.2) good++;
  }
  return good / (x.length / 2);
}

Deno.test("sample() gives the same samples and stats however proposals are batched", async () => {
  const model = await gridModel();
  const request = { seed: 99, n: 40, sampler: DRS0 };
  const big = await sample(model, request);
  for (const maxBatch of [1, 7, 64]) {
    const small = await sample(model, request, { maxBatch, minBatch: 1 });
    assert.deepEqual([...small.x], [...big.x]);
    assert.deepEqual(small.stats, big.stats);
  }
  assert.equal(big.stats.accepted, 40);
  assert.ok(big.stats.proposals <= big.evaluated);
});

Deno.test("sample() usually needs one round of G+D", async () => {
  const model = await gridModel();
  let oneRound = 0;
  for (let seed = 0; seed < 50; seed++) {
    const r = await sample(model, { seed, n: 16, sampler: DRS0 });
    if (r.rounds === 1) oneRound++;
  }
  assert.ok(oneRound >= 45, `expected >= 45 of 50 requests in one round, got ${oneRound}`);
});

Deno.test("sample() with drs keeps more samples near the modes than raw G", async () => {
  const model = await gridModel();
  const drs = await sample(model, { seed: 5, n: 256, sampler: DRS0 });
  const raw = await sample(model, { seed: 5, n: 256, sampler: RAW });
  assert.ok(nearMode(drs.x) > nearMode(raw.x) + 0.15, `${nearMode(drs.x)} vs ${nearMode(raw.x)}`);
  assert.equal(raw.stats.proposals, 256);
  assert.equal(raw.stats.logM, null);
});

Deno.test("sample() raw samples are G of latent rows 0..n-1", async () => {
  const model = await gridModel();
  const raw = await sample(model, { seed: 3, n: 5, sampler: RAW });
  const direct = await model.backend.generate(normals(3, { start: 0, count: 5, dim: 3 }), 5);
  assert.deepEqual([...raw.x], [...direct]);
});

Deno.test("sample() raises logM online and reports it", async () => {
  const model = await gridModel({}, -3);
  const r = await sample(model, { seed: 1, n: 8, sampler: DRS0 });
  assert.ok(r.stats.logMRaised);
  assert.ok(r.stats.logMRaises >= 1);
  assert.ok(r.stats.logMFinal! > r.stats.logM!);
});

Deno.test("sample() rejects and counts NaN logits", async () => {
  const model = await gridModel({ nanEvery: 2 });
  const r = await sample(model, { seed: 1, n: 32, sampler: DRS0 });
  assert.ok(r.stats.nonFiniteLogits > 0);
  assert.equal(r.stats.accepted, 32);
});

Deno.test("sample() throws BudgetExhaustedError with partial stats when the budget runs out", async () => {
  const model = await gridModel();
  await assert.rejects(
    () =>
      sample(model, { seed: 1, n: 256, sampler: { kind: "drs" as const, gamma: 30 } }, {
        budget: 500,
      }),
    (e: unknown) => {
      assert.ok(e instanceof BudgetExhaustedError);
      assert.equal(e.reason, "budget");
      assert.equal(e.evaluated, 500);
      assert.equal(e.stats.proposals, 500);
      assert.ok(e.stats.accepted < 256);
      return true;
    },
  );
});

Deno.test("sample() stops at the deadline", async () => {
  const model = await gridModel();
  let t = 0;
  const now = () => (t += 1000);
  await assert.rejects(
    () =>
      sample(model, { seed: 1, n: 256, sampler: { kind: "drs" as const, gamma: 30 } }, {
        deadlineMs: 1500,
        maxBatch: 16,
        now,
      }),
    (e: unknown) => e instanceof BudgetExhaustedError && e.reason === "deadline",
  );
});

Deno.test("batchSize() grows as acceptance falls and respects bounds", () => {
  assert.ok(batchSize(16, 0.1) > batchSize(16, 0.5));
  assert.equal(batchSize(1, 1), 16);
  assert.equal(batchSize(256, 1e-6), 8192);
  assert.equal(batchSize(256, 0.01, { maxBatch: 1000 }), 1000);
});

Deno.test("sample() gives the same result when rounds are split into chunks", async () => {
  const model = await gridModel();
  const request = { seed: 21, n: 100, sampler: DRS0 };
  const whole = await sample(model, request);
  const chunked = await sample(model, request, { chunk: 32 });
  assert.deepEqual([...chunked.x], [...whole.x]);
  assert.deepEqual(chunked.stats, whole.stats);
  assert.ok(chunked.batches.length > 1 && chunked.batches[0] === 32, `${chunked.batches}`);
  assert.ok(chunked.evaluated <= whole.evaluated);
});

Deno.test("sample() counts proposals up to the completing one when a chunk's acceptances exactly finish the request", async () => {
  const model = await gridModel();
  let exact = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const request = { seed, n: 6, sampler: DRS0 };
    const whole = await sample(model, request);
    for (const chunk of [4, 8, 16]) {
      const chunked = await sample(model, request, { chunk });
      assert.deepEqual([...chunked.x], [...whole.x], `seed ${seed}, chunk ${chunk}`);
      assert.deepEqual(chunked.stats, whole.stats, `seed ${seed}, chunk ${chunk}`);
      if (whole.stats.proposals % chunk !== 0) exact++;
    }
  }
  assert.ok(exact > 0, "some requests completed mid-chunk");
});

Deno.test("roundChunks() starts with a small chunk, doubles and covers the round", () => {
  assert.deepEqual(roundChunks(1000, 256), [64, 128, 256, 256, 256, 40]);
  assert.deepEqual(roundChunks(300, 256), [64, 128, 108]);
  assert.deepEqual(roundChunks(50, 256), [50]);
  assert.deepEqual(roundChunks(100, Infinity), [100]);
  assert.deepEqual(roundChunks(40, 16), [16, 16, 8]);
});

Deno.test("sample() off the request thread queues the next chunk ahead, same samples", async () => {
  const model = await gridModel();
  const request = { seed: 21, n: 100, sampler: DRS0 };
  const whole = await sample(model, request);
  const offThread = { ...model, backend: { ...model.backend, offThread: true } };
  const piped = await sample(offThread, request, { chunk: 16 });
  assert.deepEqual([...piped.x], [...whole.x]);
  assert.deepEqual(piped.stats, whole.stats);
  assert.ok(piped.batches.length > 1 && piped.batches[0] === 16, `${piped.batches}`);
});

Deno.test("sample() raw is one G call of n proposals whatever the chunk size", async () => {
  const model = await gridModel();
  const raw = await sample(model, { seed: 4, n: 100, sampler: RAW }, { chunk: 16, budget: 1000 });
  assert.deepEqual(raw.batches, [100]);
  assert.equal(raw.stats.proposals, 100);
  assert.deepEqual(
    (model.backend as ReturnType<typeof fakeGridBackend>).calls.map((c) => c.method),
    ["generate"],
  );
});

Deno.test("scoreProposals() gives the logits of proposals 0..count-1 whatever the batch", async () => {
  const model = await gridModel();
  const direct = await model.backend.run(normals(8, { start: 0, count: 300, dim: 3 }), 300);
  for (const batch of [1, 7, 1024]) {
    const logits = await scoreProposals(model, { seed: 8, count: 300 }, { batch });
    assert.deepEqual([...logits], [...direct.logits]);
  }
});
