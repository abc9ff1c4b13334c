import assert from "node:assert/strict";
import { parseManifest } from "../../shared/manifest.ts";
import { rowOf, servedManifest } from "./serve_version.ts";
import type { CurveRow } from "./curves.ts";
import type { SamplerModel } from "../../sampling/mod.ts";

const quantiles = Array.from({ length: 101 }, (_, i) => i / 10 - 5);
const base = parseManifest({
  id: "tiles",
  version: 1,
  kind: "points2d",
  latentDim: 2,
  sampleShape: [2],
  outputRange: [-1, 1],
  drs: {
    logM: 1,
    gamma: 0.5,
    epsilon: 1e-6,
    percentile: 95,
    burnInSamples: 100,
    expectedAcceptance: 0.2,
    fQuantiles: quantiles,
  },
  files: {
    "generator.onnx": { path: "generator.onnx", sha256: "a".repeat(64), bytes: 1 },
    "discriminator.onnx": { path: "discriminator.onnx", sha256: "b".repeat(64), bytes: 1 },
  },
  samplers: { default: "truncation", psi: 0.7 },
  createdAt: "2026-01-01T00:00:00Z",
});

function row(label: string, family: CurveRow["family"], spec: CurveRow["spec"]): CurveRow {
  return { label, family, spec, cost: 1, metrics: {}, spread: {}, seeds: [1] };
}

Deno.test("servedManifest() makes the chosen row the default and drops the base's own", () => {
  const drs = servedManifest(base, row("DRS 30%", "drs", { kind: "drs", acceptance: 0.3 }));
  assert.deepEqual(drs.samplers, { default: "drs", acceptance: 0.3 });
  assert.equal(drs.drs, base.drs);
  assert.equal("version" in drs || "createdAt" in drs, false);
  const mh = servedManifest(base, row("MH K=8", "mh", { kind: "mh", k: 8 }));
  assert.deepEqual(mh.samplers, { default: "mh", k: 8 });
  assert.equal(mh.calibrator, undefined);
});

Deno.test("servedManifest() carries a calibrated row's calibrator and DRS constants", () => {
  const calibrator = { kind: "platt" as const, a: 0.5, b: 0.1 };
  const model = {
    calibrator,
    drs: { ...base.drs, logM: 3, gamma: -1 },
  } as unknown as SamplerModel;
  const served = servedManifest(
    base,
    row("calibrated MH K=8", "calibrated mh", { kind: "mh", k: 8 }),
    model,
  );
  assert.deepEqual(served.calibrator, calibrator);
  assert.equal(served.drs.logM, 3);
  assert.deepEqual(served.samplers, { default: "mh", k: 8 });
  // What it returns is a manifest a server loads.
  parseManifest({ ...served, version: 1 });
});

Deno.test("rowOf() names the rows there are when the label is not one", () => {
  const curve = {
    rows: [row("raw G", "raw", { kind: "raw" }), row("MH K=8", "mh", { kind: "mh", k: 8 })],
  };
  assert.equal(rowOf(curve, "MH K=8").label, "MH K=8");
  assert.throws(() => rowOf(curve, "MH K=9"), /Cannot serve 'MH K=9' .*'raw G', 'MH K=8'/);
});
