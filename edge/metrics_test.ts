import assert from "node:assert/strict";
import { createMetrics } from "./metrics.ts";

const counts = {
  proposals: 5,
  evaluated: 6,
  discarded: 1,
  accepted: 2,
  logMRaises: 0,
  nonFiniteLogits: 0,
};

Deno.test("createMetrics() render escapes label values as Prometheus' text format asks", () => {
  const metrics = createMetrics();
  metrics.sampled({ id: 'a"b\\c\nd', version: 2 }, counts);
  metrics.sampled({ id: "plain", version: 1 }, counts);
  const text = metrics.render({}, [
    { name: "drs_info", help: "Info.", samples: [{ labels: { note: 'say "hi"' }, value: 1 }] },
  ]);
  assert.match(text, /^drs_accepted_total\{model="a\\"b\\\\c\\nd",version="2"\} 2$/m);
  assert.match(text, /^drs_accepted_total\{model="plain",version="1"\} 2$/m);
  assert.match(text, /^drs_info\{note="say \\"hi\\""\} 1$/m);
});

Deno.test("createMetrics() sums the counts of one model version across requests", () => {
  const metrics = createMetrics();
  for (let i = 0; i < 3; i++) metrics.sampled({ id: "grid", version: 1 }, counts);
  metrics.request("/v1/models/:id/samples", 200, 0.002);
  const text = metrics.render();
  assert.match(text, /^drs_proposals_evaluated_total\{model="grid",version="1"\} 18$/m);
  assert.match(
    text,
    /^drs_http_requests_total\{route="\/v1\/models\/:id\/samples",status="200"\} 1$/m,
  );
});
