/**
 * On the shipped grid25 model: the high-quality share (within 4 std of the nearest mode) of
 * 10,000 samples served with drs=true through the app matches the manifest's DRS figure within
 * 2 points and is clearly above drs=false.
 */

import assert from "node:assert/strict";
import { isolatedTest } from "../testing/isolated.ts";
import { createApp } from "../edge/app.ts";
import { openBackend } from "../backends/open.ts";
import { fsModelSource } from "../edge/fs_source.ts";
import { createRegistry } from "../edge/registry.ts";
import { importSigningKey } from "../shared/signing.ts";
import { grid25 } from "../train/data/gaussians.ts";
import { pointMetrics } from "../train/evaluate/points.ts";

// Opens grid25 on onnxruntime-node, which allows one isolate per process: run this module in its
// own process.
const test = isolatedTest(import.meta.url);

const MODELS = new URL("../models/", import.meta.url);
const hasGrid25 = await Deno.stat(new URL("grid25/manifest.json", MODELS)).then(
  () => true,
  () => false,
);

async function servedPoints(
  app: { request: (p: string) => Response | Promise<Response> },
  drs: boolean,
) {
  const points = new Float32Array(10_240 * 2);
  for (let r = 0; r < 40; r++) {
    const res = await app.request(`/v1/models/grid25/samples?n=256&seed=${1000 + r}&drs=${drs}`);
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json();
    points.set(body.samples.flat(), r * 512);
  }
  return points;
}

const NAME =
  "GET /v1/models/grid25/samples with drs=true matches the manifest's high-quality share";

if (hasGrid25) {
  test(NAME, async () => {
    const registry = createRegistry(
      fsModelSource(MODELS.pathname),
      (init) => openBackend("onnx", init),
    );
    await registry.load();
    assert.deepEqual(registry.errors(), []);
    const manifest = registry.get("grid25")!.manifest;
    const expected = manifest.metrics!;
    const app = createApp({
      registry,
      keys: [await importSigningKey("q", "quality-test-0123456789abcdefghijkl")],
    });
    const drs = pointMetrics(await servedPoints(app, true), grid25()).metrics.highQuality;
    const raw = pointMetrics(await servedPoints(app, false), grid25()).metrics.highQuality;
    console.log(
      `high-quality share over 10,240 served samples: drs ${
        drs.toFixed(4)
      } (manifest ${expected.drs.highQuality}), ` +
        `raw ${raw.toFixed(4)} (manifest ${expected.raw.highQuality})`,
    );
    assert.ok(
      Math.abs(drs - expected.drs.highQuality) <= 0.02,
      `drs ${drs} vs ${expected.drs.highQuality}`,
    );
    assert.ok(
      Math.abs(raw - expected.raw.highQuality) <= 0.02,
      `raw ${raw} vs ${expected.raw.highQuality}`,
    );
    // Clearly above: at least half the manifest's own raw-to-DRS gain, and 5 standard errors.
    const gain = expected.drs.highQuality - expected.raw.highQuality;
    const se = Math.sqrt((drs * (1 - drs) + raw * (1 - raw)) / 10_240);
    assert.ok(drs - raw >= Math.max(gain / 2, 5 * se), `drs ${drs} vs raw ${raw}`);
    await registry.dispose();
  });
} else {
  Deno.test({ name: NAME, ignore: true, fn() {} });
}
