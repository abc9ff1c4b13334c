import {
  calibrateLogit,
  calibrateLogits,
  type IsotonicCalibrator,
  isotonicProbability,
  parseCalibrator,
} from "./calibrator.ts";
import { sigmoid } from "./drs.ts";
import { assertClose, assertEquals, assertOk, assertThrows } from "./_test_utils.ts";

const TABLE: IsotonicCalibrator = {
  kind: "isotonic",
  logits: [-2, 0, 1, 3],
  probabilities: [0, 0.25, 0.25, 1],
  floor: 0.01,
};

Deno.test("calibrateLogit() identity returns the logit unchanged, NaN and infinities included", () => {
  for (const l of [-3.5, 0, 7, Infinity, -Infinity]) {
    assertEquals(calibrateLogit(l, { kind: "identity" }), l);
  }
  assertOk(Number.isNaN(calibrateLogit(NaN, { kind: "identity" })));
});

Deno.test("calibrateLogit() platt is a * l + b, so sigmoid of it is 1 / (1 + exp(-(a l + b)))", () => {
  const platt = { kind: "platt" as const, a: 0.7, b: -1.25 };
  for (const l of [-4, -0.5, 0, 2.5, 9]) {
    const p = 1 / (1 + Math.exp(-(0.7 * l - 1.25)));
    assertClose(sigmoid(calibrateLogit(l, platt)), p, { rel: 1e-12 });
  }
  assertEquals(calibrateLogit(Infinity, platt), Infinity);
  assertEquals(calibrateLogit(-Infinity, platt), -Infinity);
  assertOk(Number.isNaN(calibrateLogit(NaN, platt)));
});

Deno.test("isotonicProbability() interpolates linearly between breakpoints and is flat outside", () => {
  assertEquals(isotonicProbability(TABLE, -10), 0);
  assertEquals(isotonicProbability(TABLE, -2), 0);
  assertEquals(isotonicProbability(TABLE, -1), 0.125);
  assertEquals(isotonicProbability(TABLE, 0), 0.25);
  assertEquals(isotonicProbability(TABLE, 0.5), 0.25);
  assertEquals(isotonicProbability(TABLE, 2), 0.625);
  assertEquals(isotonicProbability(TABLE, 3), 1);
  assertEquals(isotonicProbability(TABLE, Infinity), 1);
  assertEquals(isotonicProbability(TABLE, -Infinity), 0);
});

Deno.test("calibrateLogit() isotonic returns log(p / (1 - p)) with p clamped to [floor, 1 - floor]", () => {
  assertClose(calibrateLogit(-1, TABLE), Math.log(0.125 / 0.875), { rel: 1e-12 });
  assertClose(calibrateLogit(2, TABLE), Math.log(0.625 / 0.375), { rel: 1e-12 });
  assertClose(calibrateLogit(0.5, TABLE), -Math.log(3), { rel: 1e-12 });
  // p = 0 and p = 1 clamp to the floor: finite logits +-log(99).
  assertClose(calibrateLogit(-50, TABLE), -Math.log(99), { rel: 1e-12 });
  assertClose(calibrateLogit(Infinity, TABLE), Math.log(99), { rel: 1e-12 });
  assertOk(Number.isNaN(calibrateLogit(NaN, TABLE)));
});

Deno.test("calibrateLogits() maps every logit and never reorders them", () => {
  const raw = Float64Array.from({ length: 200 }, (_, i) => -5 + i * 0.05);
  for (const c of [TABLE, { kind: "platt" as const, a: 2, b: 1 }]) {
    const out = calibrateLogits(raw, c);
    assertEquals(out.length, raw.length);
    for (let i = 1; i < out.length; i++) assertOk(out[i] >= out[i - 1], `${c.kind} at ${i}`);
    assertEquals(out[37], calibrateLogit(raw[37], c));
  }
});

Deno.test("parseCalibrator() accepts the three kinds and names the bad field otherwise", () => {
  assertEquals(parseCalibrator({ kind: "identity" }), { kind: "identity" });
  assertEquals(parseCalibrator({ kind: "platt", a: 1.5, b: -2 }), { kind: "platt", a: 1.5, b: -2 });
  assertEquals(parseCalibrator(JSON.parse(JSON.stringify(TABLE))), TABLE);
  assertThrows(() => parseCalibrator({ kind: "platt", a: -1, b: 0 }), RangeError, "'a' is invalid");
  assertThrows(() => parseCalibrator({ kind: "platt", a: 1 }), RangeError, "'b' is invalid");
  assertThrows(() => parseCalibrator({ kind: "beta" }), RangeError, "'kind' is invalid");
  assertThrows(
    () => parseCalibrator({ ...TABLE, logits: [0, 0, 1, 2] }),
    RangeError,
    "'logits' is invalid: expected strictly increasing",
  );
  assertThrows(
    () => parseCalibrator({ ...TABLE, probabilities: [0.5, 0.4, 0.6, 0.7] }),
    RangeError,
    "'probabilities' is invalid: expected non-decreasing",
  );
  assertThrows(
    () => parseCalibrator({ ...TABLE, probabilities: [0, 1] }),
    RangeError,
    "'probabilities' is invalid: expected one probability per breakpoint",
  );
  assertThrows(() => parseCalibrator({ ...TABLE, floor: 0 }), RangeError, "'floor' is invalid");
});
