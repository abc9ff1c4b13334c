import assert from "node:assert/strict";
import type { Backend } from "../backends/mod.ts";
import { calibrateDrs } from "../shared/calibration.ts";
import { calibrateLogits } from "../shared/calibrator.ts";
import { fakeGridBackend } from "../testing/fake_backends.ts";
import { sample, scoreProposals } from "./mod.ts";

const calibrator = { kind: "platt" as const, a: 1.7, b: -0.4 };

/** The same backend whose logits come out already calibrated. */
function precalibrated(backend: Backend): Backend {
  return {
    ...backend,
    async run(z, n, options) {
      const out = await backend.run(z, n, options);
      return { x: out.x, logits: Float32Array.from(calibrateLogits(out.logits, calibrator)) };
    },
  };
}

Deno.test("sample() drs and mh read the manifest's calibrator: same samples as pre-calibrated logits", async () => {
  const backend = fakeGridBackend();
  const shifted = precalibrated(backend);
  // Constants of the calibrated logits, as calibration writes them when a calibrator exists.
  const logits = await scoreProposals({ backend: shifted, latentDim: 3 }, { seed: 2, count: 3000 });
  const drs = calibrateDrs(logits, { percentile: 80 });
  const base = { latentDim: 3, sampleShape: [2], drs };
  const withCalibrator = { ...base, backend, calibrator };
  const preCalibrated = { ...base, backend: shifted };
  for (const sampler of [{ kind: "drs" as const }, { kind: "mh" as const, k: 5 }]) {
    const a = await sample(withCalibrator, { seed: 9, n: 64, sampler });
    const b = await sample(preCalibrated, { seed: 9, n: 64, sampler });
    // The float32 round trip of the pre-calibrated logits can move a decision at the margin.
    let same = 0;
    for (let i = 0; i < a.x.length; i++) if (a.x[i] === b.x[i]) same++;
    assert.ok(same / a.x.length > 0.95, `${sampler.kind}: ${same} of ${a.x.length} equal`);
  }
  const uncalibrated = await sample({ ...base, backend }, {
    seed: 9,
    n: 64,
    sampler: { kind: "drs" },
  });
  const calibrated = await sample(withCalibrator, { seed: 9, n: 64, sampler: { kind: "drs" } });
  assert.notDeepEqual([...uncalibrated.x], [...calibrated.x], "the calibrator changes decisions");
});
