/**
 * Imported models at the edge: every PyTorch fixture (the DCGAN at 64x64 RGB, the embedding and
 * one-hot conditional pairs, the squeezed D), imported with `deno task import`, bundled by `buildWorker()` (the TF.js files the import
 * wrote, with the OnnxGraph layer) and served by workerd: an n=1 PNG of 64x64 RGB pixels, a
 * class of the conditional pair, and the same bytes as the Deno server on the wasm backend.
 * The bundle's size is printed against the Workers plans.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { decode } from "fast-png";
import { buildWorker } from "../scripts/build_worker.ts";
import { startServer } from "../testing/server_process.ts";
import { FIXTURE_FLAGS, importFixture } from "../testing/torch_fixtures.ts";
import { startWorkerd } from "../testing/workerd_process.ts";

const ENV = {
  DRS_SIGNING_KEYS: "wk1:import-workerd-secret-0123456789abcdef",
  DRS_ADMIN_TOKEN: "import-workerd-admin-token-0123456789abcdef",
};
const MIB = 1024 * 1024;

Deno.test({
  name: "imported PyTorch pairs serve in workerd with the Deno wasm server's bytes",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const models = await Deno.makeTempDir({ prefix: "drs-import-models-" });
    const out = await Deno.makeTempDir({ prefix: "drs-import-dist-" });
    try {
      for (const [name, extra] of Object.entries(FIXTURE_FLAGS)) {
        const run = await importFixture(name, join(models, name.replace("_", "-")), extra);
        assert.equal(run.code, 0, run.stderr);
      }
      const build = await buildWorker({ models, out });
      assert.deepEqual(build.models.sort(), [
        "cond-index v1",
        "cond-onehot v1",
        "dcgan64 v1",
        "squeeze-d v1",
      ]);
      const mib = (n: number) => (n / MIB).toFixed(2);
      console.log(
        `  Worker with the four imports: ${mib(build.total.raw)} MiB (gzip ${
          mib(build.total.gzip)
        } MiB; free plan 3 MiB, paid 10 MiB)`,
      );
      const queries = [
        "/v1/models/dcgan64/samples?format=png&n=1&seed=3",
        "/v1/models/dcgan64/samples?format=png&n=4&seed=3",
        "/v1/models/cond-index/samples?n=2&seed=5&class=3",
        "/v1/models/cond-onehot/samples?format=png&n=2&seed=5&class=all",
        "/v1/models/squeeze-d/samples?n=8&seed=5",
      ];
      const bodies: Uint8Array[][] = [];
      const workerd = await startWorkerd(out, { env: ENV, readyPath: "/readyz" });
      try {
        bodies.push(await fetchAll(workerd.origin, queries));
      } finally {
        await workerd.stop();
      }
      const png = decode(bodies[0][0]);
      assert.deepEqual([png.width, png.height, png.channels], [64, 64, 3]);
      const deno = await startServer({
        env: { ...ENV, DRS_BACKEND: "wasm", DRS_MODELS_DIR: models },
      });
      try {
        bodies.push(await fetchAll(deno.origin, queries));
      } finally {
        await deno.stop();
      }
      queries.forEach((q, i) => {
        const [a, b] = [bodies[0][i], bodies[1][i]];
        assert.ok(a.length === b.length && a.every((v, k) => v === b[k]), `${q}: bytes differ`);
      });
    } finally {
      await Deno.remove(out, { recursive: true });
      await Deno.remove(models, { recursive: true });
    }
  },
});

async function fetchAll(origin: string, queries: string[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const q of queries) {
    const res = await fetch(`${origin}${q}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.equal(res.status, 200, `${q}: ${new TextDecoder().decode(bytes).slice(0, 300)}`);
    out.push(bytes);
  }
  return out;
}
