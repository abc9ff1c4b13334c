import assert from "node:assert/strict";
import { expectedAcceptance } from "../shared/calibration.ts";
import { HttpError } from "./errors.ts";
import { parseSampleQuery } from "./query.ts";
import { checkReachable } from "./reachable.ts";
import { makeTestApp } from "../testing/test_app.ts";

const F = [-2, -1, 0, 1, 2];
const rate = (gamma: number) => expectedAcceptance(F, gamma);
const query = (text: string) => parseSampleQuery(new URLSearchParams(text));

Deno.test("checkReachable() lets requests at the manifest's gamma through", () => {
  checkReachable(query("n=256"), rate(1e9), { budget: 1 });
  checkReachable(query("n=256&drs=false"), rate(1e9), { budget: 1 });
});

Deno.test("checkReachable() refuses a gamma or acceptance that cannot finish in the budget", () => {
  assert.throws(
    () => checkReachable(query("n=4&gamma=60"), rate(60), { budget: 1000 }),
    (error: HttpError) => {
      assert.equal(error.status, 400);
      assert.equal(error.code, "invalid_parameter");
      assert.match(error.message, /^Cannot sample as 'gamma' = 60 gives an expected acceptance/);
      assert.deepEqual((error.details as { parameter: string }).parameter, "gamma");
      return true;
    },
  );
  assert.throws(
    () => checkReachable(query("n=2&acceptance=0.001"), rate(8), { budget: 100 }),
    /'acceptance' = 0.001/,
  );
  // Reachable: expected acceptance 0.5 at gamma 0, 4 samples in 100 proposals.
  checkReachable(query("n=4&gamma=0"), rate(0), { budget: 100 });
});

Deno.test("GET /v1/models/:id/samples refuses an unreachable gamma before running G or D", async () => {
  const { app, opened } = await makeTestApp();
  const res = await app.request("/v1/models/grid/samples?n=8&seed=1&gamma=1e9");
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.error.code, "invalid_parameter");
  assert.equal(body.error.details.parameter, "gamma");
  assert.deepEqual(opened.flatMap((b) => b.calls), []);
  const ok = await app.request("/v1/models/grid/samples?n=8&seed=1&acceptance=0.5");
  assert.equal(ok.status, 200);
});
