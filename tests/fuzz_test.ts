/**
 * Fuzz: 10,000 seeded hostile requests against `createApp()` (fake models, in-process), then
 * 1,000 against the real server process (`deno run -A edge/main.ts` on the shipped models).
 * No 5xx, every error body is the JSON error shape, no secret in any body, the limiter drains,
 * the metrics stay bounded and the process survives.
 */

import assert from "node:assert/strict";
import { importSigningKey } from "../shared/signing.ts";
import { startServer } from "../testing/server_process.ts";
import { fakeModelFiles } from "../testing/fake_models.ts";
import { makeTestApp } from "../testing/test_app.ts";
import { createTally, responseProblem, tallySummary, toRequest } from "../testing/fuzz_check.ts";
import { fuzzRequest, fuzzRng, type FuzzTarget } from "../testing/fuzz_gen.ts";

const ADMIN = "fuzz-admin-token-do-not-echo-4f1c-0123456789";
const SECRET = "fuzz-signing-secret-0123456789abcdefghijk";
const NOW = 1_800_000_000;

function gauges(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^(drs_sampler_\w+|drs_models_\w+) (\d+)$/gm)) out[m[1]] = +m[2];
  return out;
}

function assertBroad(byStatus: Record<string, number>): void {
  for (const status of ["200", "304", "400", "401", "403", "404", "410"]) {
    assert.ok((byStatus[status] ?? 0) > 0, `the fuzz never produced a ${status}`);
  }
}

Deno.test("createApp() answers 10,000 fuzzed requests without a 5xx, errors in the JSON shape", async () => {
  const key = await importSigningKey("fz", SECRET);
  // A class-conditional model beside the two plain ones, so `class` meets a model that has classes.
  const digits = await fakeModelFiles("digits", "image", { classes: ["zero", "one", "two"] });
  const { app } = await makeTestApp({
    keys: [key],
    adminToken: ADMIN,
    nowSeconds: () => NOW,
    models: { digits },
  });
  const target: FuzzTarget = {
    models: ["grid", "tiles", "digits"],
    key,
    adminToken: ADMIN,
    nowSeconds: NOW,
  };
  const rng = fuzzRng(20261123);
  const tally = createTally();
  const started = performance.now();
  // Batches of 8 until at least 10,000 requests were actually sent (a few generated ones
  // cannot be built as URLs and are counted apart).
  while (tally.sent < 10_000) {
    const requests = await Promise.all(Array.from({ length: 8 }, () => fuzzRequest(rng, target)));
    await Promise.all(requests.map(async (r) => {
      const request = toRequest("http://edge.test", r);
      if (!request) return void tally.unsendable++;
      const problem = await responseProblem(r, await app.request(request), {
        secrets: [SECRET, ADMIN],
        tally,
      });
      if (problem) tally.problems.push(problem);
    }));
  }
  console.log(
    `in-process fuzz in ${Math.round(performance.now() - started)} ms: ${tallySummary(tally)}`,
  );
  assert.deepEqual(tally.problems.slice(0, 20), []);
  assert.ok(tally.sent >= 10_000 && tally.unsendable < 100, tallySummary(tally));
  assertBroad(tally.byStatus);
  const metrics = await (await app.request("/metrics")).text();
  assert.ok(metrics.length < 64 * 1024, `metrics grew to ${metrics.length} bytes`);
  assert.deepEqual(gauges(metrics), {
    drs_models_loaded: 3,
    drs_models_failed: 0,
    drs_sampler_active: 0,
    drs_sampler_queued: 0,
  });
});

Deno.test({
  name: "edge/main.ts survives 1,000 fuzzed requests over HTTP with no 5xx and nothing leaked",
  sanitizeResources: false,
  async fn() {
    const server = await startServer({
      env: {
        DRS_SIGNING_KEYS: `fz:${SECRET}`,
        DRS_ADMIN_TOKEN: ADMIN,
        DRS_MODELS_DIR: "models",
        DRS_BACKEND: "onnx",
      },
    });
    try {
      const models = (await (await fetch(`${server.origin}/v1/models`)).json()).models
        .map((m: { id: string }) => m.id);
      assert.ok(models.length > 0, "no model loaded from models/");
      const key = await importSigningKey("fz", SECRET);
      const now = Math.floor(Date.now() / 1000);
      const target: FuzzTarget = { models, key, adminToken: ADMIN, nowSeconds: now };
      const rng = fuzzRng(7);
      const tally = createTally();
      for (let batch = 0; batch < 125; batch++) {
        const requests = await Promise.all(
          Array.from({ length: 8 }, () => fuzzRequest(rng, target)),
        );
        await Promise.all(requests.map(async (r) => {
          const request = toRequest(server.origin, r);
          if (!request) return void tally.unsendable++;
          const res = await fetch(request, { signal: AbortSignal.timeout(30_000) });
          const problem = await responseProblem(r, res, { secrets: [SECRET, ADMIN], tally });
          if (problem) tally.problems.push(problem);
        }));
      }
      console.log(`real-server fuzz: ${tallySummary(tally)}`);
      assert.deepEqual(tally.problems.slice(0, 20), []);
      const health = await fetch(`${server.origin}/healthz`);
      assert.equal(health.status, 200);
      await health.body?.cancel();
      const g = gauges(await (await fetch(`${server.origin}/metrics`)).text());
      assert.equal(g.drs_sampler_active, 0);
      assert.equal(g.drs_sampler_queued, 0);
      const log = server.log();
      assert.doesNotMatch(log, /Unhandled error|panicked|Uncaught/, log.slice(-2000));
      assert.ok(!log.includes(SECRET) && !log.includes(ADMIN), "a secret reached the log");
    } finally {
      await server.stop();
    }
  },
});
