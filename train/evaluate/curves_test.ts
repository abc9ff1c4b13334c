import assert from "node:assert/strict";
import { fakeGridBackend } from "../../testing/fake_backends.ts";
import { calibrateDrs } from "../../shared/calibration.ts";
import { scoreProposals } from "../../sampling/mod.ts";
import { axisRange, curvePlot } from "./curve_plot.ts";
import { curvePoint, curveTable, namedPoints, qualityCostCurve, standardCurve } from "./curves.ts";

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

Deno.test("curvePoint() builds the setting a label names at any value, and refuses others", () => {
  const model = { backend: fakeGridBackend(), latentDim: 3, sampleShape: [2] };
  assert.deepEqual(curvePoint("DRS 15%"), {
    label: "DRS 15%",
    family: "drs",
    spec: { kind: "drs", acceptance: 0.15 },
  });
  assert.deepEqual(curvePoint("MH K=6")?.spec, { kind: "mh", k: 6 });
  assert.deepEqual(curvePoint("truncation psi=0.8")?.spec, { kind: "truncation", psi: 0.8 });
  const calibrated = curvePoint("calibrated DRS 20%", { calibrated: model as never });
  assert.equal(calibrated?.family, "calibrated drs");
  assert.equal(calibrated?.model, model);
  // Every standard label but raw G (always in the table) parses to the standard setting.
  for (const p of standardCurve().slice(1)) {
    assert.deepEqual(curvePoint(p.label)?.spec, p.spec, p.label);
  }
  // Written the way the table writes it.
  assert.equal(curvePoint("MH K=08")?.label, "MH K=8");
  assert.equal(curvePoint(" DRS 50.0% ")?.label, "DRS 50%");
  // Only values the sampler takes: acceptance in (0, 1), K in 2..64, psi in (0, 4].
  for (
    const bad of [
      ...["DRS 0%", "DRS 100%", "DRS 150%", "DRS 15", "MH K=0", "MH K=1", "MH K=65"],
      ...["truncation psi=5", "truncation psi=0", "calibrated DRS 20%", "raw", "x"],
    ]
  ) {
    assert.equal(curvePoint(bad), undefined, bad);
  }
});

Deno.test("axisRange() cuts a far-off raw G above the rest and never goes below 0 for a non-negative metric", () => {
  // fashion v2's FDs: raw G's junk mode at 41.76, DRS settings near 2.
  const [lo, hi] = axisRange([41.76, 2.0, 2.04, 2.08, 2.26]);
  assert.ok(hi > 2.26 && hi < 2.5, `top ${hi}`);
  assert.ok(lo >= 0 && lo < 2.0, `bottom ${lo}`);
  // A spread-out curve (mnist v1: raw 8.80, samplers 4.6 to 7) keeps every value.
  assert.ok(axisRange([8.8, 4.63, 5.18, 6.1, 7.0])[1] > 8.8);
  // Values near 0 are padded down to 0, not below it.
  assert.equal(axisRange([0.1, 3, 5])[0], 0);
  // One value at most is cut, and none when the rest do not spread.
  assert.ok(axisRange([1, 1, 1, 1, 1, 10, 100])[1] > 10);
  assert.ok(axisRange([0, 0, 30])[1] > 30);
  assert.deepEqual(axisRange([NaN]), [0, 1]);
  // A negative metric keeps its padding below.
  assert.ok(axisRange([-2, 1, 3])[0] < -2);
});

Deno.test("namedPoints() keeps the named settings once each, standard ones first, and names a bad label", () => {
  const all = standardCurve();
  const points = namedPoints(all, [
    "DRS 15%",
    "MH K=8",
    "raw G",
    "DRS 15.0%",
    "MH K=08",
    "DRS 30%",
  ]);
  assert.deepEqual(points.map((p) => p.label), ["raw G", "DRS 30%", "MH K=8", "DRS 15%"]);
  assert.ok(points.slice(0, 3).every((p) => all.includes(p)), "standard settings are reused");
  assert.throws(
    () => namedPoints(all, ["raw G", "MH K=1"]),
    /Cannot evaluate as '--only' names no setting 'MH K=1': expected labels such as 'raw G'/,
  );
  assert.throws(
    () => namedPoints(all, ["calibrated DRS 20%"], { why: "(--quick runs no calibration)" }),
    /no setting 'calibrated DRS 20%'.*\(--quick runs no calibration\)$/,
  );
  assert.throws(() => namedPoints(all, ["DRS 150%"], { why: "(x)" }), /'MH K=6'$/);
});
