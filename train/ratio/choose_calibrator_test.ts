import assert from "node:assert/strict";
import { assertAlmostEquals } from "../../testing/assert.ts";
import { chooseCalibrator } from "./choose_calibrator.ts";
import { normals, uniforms } from "../../shared/rng.ts";

/** Scores whose true P(real | s) is sigmoid(slope * s + offset), reported as logit s. */
function miscalibrated(seed: number, slope: number, offset: number) {
  const n = 20_000;
  const s = normals(seed, { start: 0, count: n, dim: 1 }).map((v) => 3 * v);
  const u = uniforms(seed, { start: 0, count: n });
  const real: number[] = [], fake: number[] = [];
  s.forEach((v, i) => (u[i] < 1 / (1 + Math.exp(-(slope * v + offset))) ? real : fake).push(v));
  return { real, fake };
}

Deno.test("chooseCalibrator() picks Platt for an overconfident logit and scores all three", () => {
  const choice = chooseCalibrator(miscalibrated(1, 0.5, 0.3), miscalibrated(2, 0.5, 0.3));
  assert.deepEqual(Object.keys(choice.scores), ["identity", "platt", "isotonic"]);
  assert.deepEqual(choice.chosen.kind, "platt");
  if (choice.chosen.kind === "platt") {
    assertAlmostEquals(choice.chosen.a, 0.5, 0.03);
    assertAlmostEquals(choice.chosen.b, 0.3, 0.05);
  }
  const { identity, platt } = choice.scores;
  assert.ok(platt.check.logLoss < identity.check.logLoss);
  assert.ok(platt.check.ece < identity.check.ece);
  assert.deepEqual(platt.check.auc, identity.check.auc); // monotone: same ranking
});

Deno.test("chooseCalibrator() picks isotonic when the true map is not a logistic one", () => {
  // P(real | s) is a step: 0.1 below 0, 0.9 above; no a, b fit it as well as a table.
  const n = 20_000,
    sets = [3, 4].map((seed) => {
      const s = normals(seed, { start: 0, count: n, dim: 1 });
      const u = uniforms(seed, { start: 0, count: n });
      const real: number[] = [], fake: number[] = [];
      s.forEach((v, i) => (u[i] < (v < 0 ? 0.1 : 0.9) ? real : fake).push(v));
      return { real, fake };
    });
  const choice = chooseCalibrator(sets[0], sets[1]);
  assert.deepEqual(choice.chosen.kind, "isotonic");
  assert.ok(choice.scores.isotonic.check.ece < choice.scores.platt.check.ece);
});

Deno.test("chooseCalibrator() leaves out a Platt fit whose slope is not positive", () => {
  // A logit that ranks fakes above reals: Platt would need a < 0.
  const reversed = { real: miscalibrated(5, -1, 0).real, fake: miscalibrated(5, -1, 0).fake };
  const choice = chooseCalibrator(reversed, miscalibrated(6, -1, 0));
  assert.deepEqual(Object.keys(choice.scores), ["identity", "isotonic"]);
  assert.deepEqual(Object.keys(choice.failed), ["platt"]);
  assert.ok(choice.failed.platt.includes("slope must be positive"));
});
