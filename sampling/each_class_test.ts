import assert from "node:assert/strict";
import { fakeConditionalBackend } from "../testing/fake_backends.ts";
import { calibrateDrs } from "../shared/calibration.ts";
import {
  BudgetExhaustedError,
  sample,
  sampleEachClass,
  type SamplerModel,
  scoreProposals,
} from "./mod.ts";

const BACKEND = fakeConditionalBackend(3);
const SHAPES = { backend: BACKEND, latentDim: 4, sampleShape: [4, 4, 1], classes: 3 };
const DRS = calibrateDrs(await scoreProposals(SHAPES, { seed: 5, count: 2000 }), {
  percentile: 50,
});
const { epsilon: _e, percentile: _p, ...LANE } = DRS;
const MODEL: SamplerModel = { ...SHAPES, drs: { ...DRS, classes: [LANE, LANE, LANE] } };

Deno.test("sampleEachClass() returns n samples of each class, class-major, as one request per class would", async () => {
  const request = { seed: 11, n: 5, sampler: { kind: "drs" as const } };
  const each = await sampleEachClass(MODEL, request);
  assert.deepEqual([...each.labels!], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
  const seen = BACKEND.classes.slice(-3).map((c) => new Set(c));
  assert.deepEqual(seen, [new Set([0]), new Set([1]), new Set([2])], "G+D got one class per run");
  let proposals = 0;
  for (let c = 0; c < 3; c++) {
    const one = await sample(MODEL, { ...request, label: c });
    assert.deepEqual([...each.x.subarray(c * 80, (c + 1) * 80)], [...one.x]);
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
