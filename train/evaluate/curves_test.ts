import assert from "node:assert/strict";
import { fakeGridBackend } from "../../testing/fake_backends.ts";
import { calibrateDrs } from "../../shared/calibration.ts";
import { scoreProposals } from "../../sampling/mod.ts";
import { curvePlot } from "./curve_plot.ts";
import { curveTable, qualityCostCurve, standardCurve } from "./curves.ts";

Deno.test("qualityCostCurve() runs every sampler setting and measures its G+D cost per sample", async () => {
  const backend = fakeGridBackend();
  const logits = await scoreProposals({ backend, latentDim: 3 }, { seed: 1, count: 4000 });
  const model = { backend, latentDim: 3, sampleShape: [2], drs: calibrateDrs(logits) };
  const points = standardCurve();
  const rows = await qualityCostCurve(model, points, {
    samples: 200,
    seeds: [1, 2],
    score: (x) => ({ meanAbsX: x.reduce((a, v) => a + Math.abs(v), 0) / x.length }),
  });
  assert.deepEqual(rows.map((r) => r.label), points.map((p) => p.label));
  const byLabel = Object.fromEntries(rows.map((r) => [r.label, r]));
  assert.equal(byLabel["raw G"].cost, 1);
  assert.equal(byLabel["truncation psi=1"].cost, 1);
  assert.equal(byLabel["MH K=8"].cost, 8);
  // DRS costs about 1 / acceptance (the core counts proposals up to the last accepted one).
  const drs = byLabel["DRS 30%"].cost;
  assert.ok(drs > 2.5 && drs < 4.5, `DRS 30%: ${drs}`);
  assert.ok(byLabel["DRS 12.5%"].cost > byLabel["DRS 90%"].cost);
  assert.ok(byLabel["raw G"].spread.meanAbsX > 0, "two seeds give a spread");
  const table = curveTable(rows, [{ key: "meanAbsX", title: "mean |x|", digits: 2 }]);
  assert.match(table, /^\| sampler \| G\+D evaluations \/ sample \| mean \|x\| \|/);
  assert.equal(table.split("\n").length, rows.length + 2);
  const png = curvePlot(rows, { metric: "meanAbsX", title: "MEAN", heading: "FAKE" });
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
});
