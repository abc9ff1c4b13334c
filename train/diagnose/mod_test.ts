import assert from "node:assert/strict";
import { assertClose } from "../../testing/assert.ts";
import { diagnoseLogits, formatDiagnostics } from "./mod.ts";
import { classStats, reliability } from "./metrics.ts";

const INPUT = {
  real: [2, 1, 0.5, 3],
  fake: [1.5, -2, 0, -1, 2.5, -3],
  labels: { classes: [0, 1, 1, 0, 1, 0], good: [1, 0, 1, 1, 1, 0], classCount: 2 },
};

Deno.test("diagnoseLogits() applies the calibrator before every statistic", () => {
  const platt = { kind: "platt" as const, a: 0.5, b: -0.25 };
  const raw = diagnoseLogits(INPUT);
  const cal = diagnoseLogits(INPUT, { calibrator: platt, shares: [0.5, 1] });
  assert.deepEqual(raw.calibrator, "identity");
  assert.deepEqual(cal.calibrator, "platt");
  assert.deepEqual(cal.samples, 6);
  // A monotone calibrator keeps the ranking: top half = logits 2.5, 1.5, 0 (all good).
  assert.deepEqual(cal.rank.map((r) => r.goodShare), [1, 4 / 6]);
  assertClose(cal.rank[0].minLogit, 0.5 * 0 - 0.25, { rel: 1e-12 });
  const calibrated = (l: number) => 0.5 * l - 0.25;
  assert.deepEqual(cal.classes, classStats(INPUT.fake.map(calibrated), INPUT.labels));
  // Balanced: the first four fakes against the four reals.
  assert.deepEqual(
    cal.reliability,
    reliability(INPUT.real.map(calibrated), INPUT.fake.slice(0, 4).map(calibrated)),
  );
  assert.ok(raw.reliability.brier !== cal.reliability.brier);
});

Deno.test("formatDiagnostics() prints the rank, class and reliability tables", () => {
  const text = formatDiagnostics(diagnoseLogits(INPUT), "toy raw");
  assert.ok(text.startsWith("## toy raw (calibrator: identity; 6 G samples)"), text);
  assert.ok(text.includes("| 50.0% | 100.00% | 0.000 |"), text);
  assert.ok(text.includes("| 1 | 2 | 1.250 | 50.00% |"), text);
  assert.ok(/reliability \(4 real \+ 4 fake\): ECE \d\.\d{4}, Brier/.test(text), text);
  assert.deepEqual(text.split("\n").filter((l) => /^\| \d\.\d-\d\.\d \|/.test(l)).length, 10);
});
