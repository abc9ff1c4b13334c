import assert from "node:assert/strict";
import { fakeGridBackend } from "../testing/fake_backends.ts";
import { advanceChain, startChain } from "../shared/mh.ts";
import { normals, uniforms } from "../shared/rng.ts";
import { calibrateLogit } from "../shared/calibrator.ts";
import { sample, type SamplerModel } from "./mod.ts";

function gridModel(calibrator?: SamplerModel["calibrator"]): SamplerModel {
  return {
    backend: fakeGridBackend(),
    latentDim: 3,
    sampleShape: [2],
    drs: { logM: 0, gamma: 0, epsilon: 1e-6, fQuantiles: new Array(101).fill(0) },
    calibrator,
  };
}

function nearMode(x: Float32Array): number {
  let good = 0;
  for (let i = 0; i < x.length; i += 2) {
    const mx = 2 * Math.round(x[i] / 2), my = 2 * Math.round(x[i + 1] / 2);
    if (Math.hypot(x[i] - mx, x[i + 1] - my) <= 0.2) good++;
  }
  return good / (x.length / 2);
}

Deno.test("sample() mh returns the end state of a chain over each block of k proposals", async () => {
  const calibrator = { kind: "platt" as const, a: 0.8, b: 0.3 };
  const model = gridModel(calibrator);
  const k = 5, n = 20;
  const r = await sample(model, { seed: 6, n, sampler: { kind: "mh", k } });
  // Reference: shared/mh.ts's chain over the same proposals, block by block.
  const count = n * k;
  const { x, logits } = await model.backend.run(normals(6, { start: 0, count, dim: 3 }), count);
  const u = uniforms(6, { start: 0, count });
  const calibrated = Array.from(logits, (l) => calibrateLogit(l, calibrator));
  for (let j = 0; j < n; j++) {
    const b = j * k;
    const chain = startChain(b, calibrated[b]);
    advanceChain(chain, calibrated.slice(b + 1, b + k), u.subarray(b + 1, b + k), {
      offset: b + 1,
    });
    assert.deepEqual([...r.x.subarray(2 * j, 2 * j + 2)], [
      ...x.subarray(2 * chain.index, 2 * chain.index + 2),
    ], `sample ${j}`);
  }
  assert.equal(r.stats.proposals, count, "k G+D evaluations per returned sample");
  assert.equal(r.evaluated, count);
  assert.ok(r.stats.moves! > 0 && r.stats.moves! < count);
});

Deno.test("sample() mh gives the same bytes however proposals are batched", async () => {
  const model = gridModel();
  const request = { seed: 2, n: 30, sampler: { kind: "mh" as const, k: 7 } };
  const whole = await sample(model, request);
  for (const options of [{ maxBatch: 3, minBatch: 1 }, { chunk: 16 }]) {
    const parts = await sample(model, request, options);
    assert.deepEqual([...parts.x], [...whole.x]);
    assert.deepEqual(parts.stats, whole.stats);
  }
  const offThread = { ...model, backend: { ...model.backend, offThread: true } };
  const piped = await sample(offThread, request, { chunk: 16 });
  assert.deepEqual([...piped.x], [...whole.x]);
});

Deno.test("sample() mh with the exact density ratio moves samples towards the modes", async () => {
  // The fake grid's D is the exact log density ratio: MH's target is the data.
  const model = gridModel();
  const raw = await sample(model, { seed: 8, n: 300, sampler: { kind: "raw" } });
  const mh = await sample(model, { seed: 8, n: 300, sampler: { kind: "mh", k: 16 } });
  assert.ok(nearMode(mh.x) > nearMode(raw.x) + 0.2, `${nearMode(mh.x)} vs ${nearMode(raw.x)}`);
});

Deno.test("sample() mh refuses a k outside 2..64", async () => {
  for (const k of [1, 65, 2.5]) {
    await assert.rejects(
      sample(gridModel(), { seed: 1, n: 1, sampler: { kind: "mh", k } }),
      /'k' must be an integer in 2\.\.64/,
    );
  }
});
