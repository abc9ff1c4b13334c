import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { ScoringBackend } from "../../backends/mod.ts";
import { exportOnnx, roundModelToFloat16 } from "../export/mod.ts";
import { mlp } from "../../testing/tfjs_models.ts";
import { parseManifest } from "../../shared/manifest.ts";
import { publishServedVersion, rowOf, servedManifest } from "./serve_version.ts";
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

Deno.test("publishServedVersion() copies the base's files, halves its ONNX, re-makes the table's figure and names the folder's id", async () => {
  await tf.setBackend("cpu");
  const g = mlp([2, 256, 256, 2], "g"), d = mlp([2, 256, 256, 1], "d");
  for (const m of [g, d]) roundModelToFloat16(m);
  const files: Record<string, Uint8Array> = {
    "generator.onnx": exportOnnx(g, { inputName: "z", outputName: "x" }),
    "discriminator.onnx": exportOnnx(d, { inputName: "x", outputName: "logit" }),
    "report.png": new Uint8Array([7, 7]),
    "curves.png": new Uint8Array([1]),
  };
  const { metrics: _m, ...noMetrics } = base;
  const rows = [row("raw G", "raw", { kind: "raw" }), row("MH K=8", "mh", { kind: "mh", k: 8 })];
  const curve = {
    rows,
    table: "",
    png: new Uint8Array([2, 2, 2]),
    samples: 100,
    backend: { name: "onnx" } as ScoringBackend,
  };
  const root = await Deno.makeTempDir();
  try {
    const out = join(root, "tiles-served");
    const published = await publishServedVersion({ manifest: noMetrics, files }, curve, {
      label: "MH K=8",
      out,
    });
    assert.equal(published.version, 1);
    const m = published.manifest;
    assert.equal(m.id, "tiles-served");
    assert.deepEqual(m.samplers, { default: "mh", k: 8 });
    assert.deepEqual(await Deno.readFile(join(published.dir, "report.png")), files["report.png"]);
    assert.deepEqual(await Deno.readFile(join(published.dir, "curves.png")), curve.png);
    for (const name of ["generator.onnx", "discriminator.onnx"]) {
      assert.ok(m.files[name].bytes < files[name].length * 0.7, name);
    }
    const curves = m.metrics?.curves as { served: string; rows: unknown[] };
    assert.equal(curves.served, "MH K=8");
    assert.equal(curves.rows.length, 2);
    assert.equal(m.metrics?.samples, 100, "a base without metrics gets the table's pair");
    // A folder name that is no model id fails before publishing and leaves nothing behind.
    const bad = join(root, "Not An Id");
    await assert.rejects(
      publishServedVersion({ manifest: noMetrics, files }, curve, { label: "MH K=8", out: bad }),
      /'id' is invalid/,
    );
    await assert.rejects(Deno.stat(bad), Deno.errors.NotFound);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
