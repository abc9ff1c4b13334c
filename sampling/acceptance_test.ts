import assert from "node:assert/strict";
import { expectedAcceptance, gammaForAcceptance } from "../shared/calibration.ts";
import { laneAcceptance, laneGamma } from "./_acceptance.ts";

const tableA = Array.from({ length: 101 }, (_, q) => -4 + q * 0.06);
const tableB = Array.from({ length: 101 }, (_, q) => -1 + q * 0.02);

Deno.test("laneAcceptance() and laneGamma() give the computed values for each table", () => {
  for (let round = 0; round < 2; round++) { // the second round reads what the first remembered
    for (const table of [tableA, tableB]) {
      for (const gamma of [-1, 0, 0.5]) {
        assert.equal(laneAcceptance(table, gamma), expectedAcceptance(table, gamma));
      }
      for (const target of [0.1, 0.5, 0.9]) {
        assert.equal(laneGamma(table, target), gammaForAcceptance(target, table));
      }
    }
  }
  assert.notEqual(laneAcceptance(tableA, 0), laneAcceptance(tableB, 0));
});

Deno.test("laneAcceptance() stays right past its bound of remembered gammas", () => {
  for (let i = 0; i < 200; i++) {
    const gamma = -2 + i / 50;
    assert.equal(laneAcceptance(tableA, gamma), expectedAcceptance(tableA, gamma));
  }
});

Deno.test("laneGamma() throws gammaForAcceptance's error and remembers nothing for it", () => {
  assert.throws(() => laneGamma(tableA, 1.5), /'acceptance' must be in \(0, 1\)/);
  assert.throws(() => laneGamma(tableA, 1.5), /'acceptance' must be in \(0, 1\)/);
});
