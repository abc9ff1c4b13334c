import assert from "node:assert/strict";
import type { Backend } from "../backends/mod.ts";
import { calibrateDrs } from "../shared/calibration.ts";
import {
  BudgetExhaustedError,
  sample,
  sampleEachClass,
  type SamplerModel,
  scoreProposals,
} from "./mod.ts";

/** G puts class c's sample at (c, z0); D's logit is -z0^2 / 2 (the same scale for each class). */
function backend(): Backend {
  const generate = (z: Float32Array, n: number, classes: Int32Array) => {
    const x = new Float32Array(2 * n);
    for (let r = 0; r < n; r++) [x[2 * r], x[2 * r + 1]] = [classes[r], z[2 * r]];
    return x;
  };
  return {
    name: "onnx",
    run(z, n, options = {}) {
      const x = generate(z, n, options.classes!);
      const logits = Float32Array.from({ length: n }, (_, r) => -(x[2 * r + 1] ** 2) / 2);
      return Promise.resolve({ x, logits });
    },
    generate: (z, n, options = {}) => Promise.resolve(generate(z, n, options.classes!)),
    dispose: () => Promise.resolve(),
  };
}

const SHAPES = { backend: backend(), latentDim: 2, sampleShape: [2], classes: 3 };
const DRS = calibrateDrs(await scoreProposals(SHAPES, { seed: 5, count: 2000 }), {
  percentile: 50,
});
const { epsilon: _e, percentile: _p, ...LANE } = DRS;
const MODEL: SamplerModel = { ...SHAPES, drs: { ...DRS, classes: [LANE, LANE, LANE] } };

Deno.test("sampleEachClass() returns n samples of each class, class-major, as one request per class would", async () => {
  const request = { seed: 11, n: 5, sampler: { kind: "drs" as const } };
  const each = await sampleEachClass(MODEL, request);
  assert.deepEqual([...each.labels!], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
  let proposals = 0;
  for (let c = 0; c < 3; c++) {
    const one = await sample(MODEL, { ...request, label: c });
    assert.deepEqual([...each.x.subarray(c * 10, (c + 1) * 10)], [...one.x]);
    for (let r = 0; r < 5; r++) assert.equal(each.x[c * 10 + 2 * r], c, "G saw the class");
    proposals += one.stats.proposals;
  }
  assert.equal(each.stats.proposals, proposals);
  assert.equal(each.stats.accepted, 15);
  assert.equal(each.stats.acceptanceRate, 15 / proposals);
});

Deno.test("sampleEachClass() spends one budget over all classes and reports what all of them spent", async () => {
  const request = { seed: 3, n: 40, sampler: { kind: "raw" as const } };
  await assert.rejects(
    sampleEachClass(MODEL, request, { budget: 100 }),
    (error: unknown) => {
      assert.ok(error instanceof BudgetExhaustedError);
      assert.equal(error.reason, "budget");
      assert.ok(error.evaluated >= 80 && error.evaluated <= 100, `${error.evaluated}`);
      assert.ok(error.stats.accepted >= 80, `${error.stats.accepted}`);
      return true;
    },
  );
  await assert.rejects(
    sampleEachClass({ ...MODEL, classes: 0 }, request),
    /Cannot sample every class as the model is not class-conditional: current classes is 0/,
  );
});
