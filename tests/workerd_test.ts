/**
 * The Cloudflare Worker in Cloudflare's runtime: `buildWorker()` (what `deno task build:worker`
 * runs) bundles the app, workerd serves it on loopback, and the same HTTP contract as the Deno
 * server passes; the Deno server on the wasm backend answers the same requests with the same
 * bytes. Once per shipped model (grid25, mnist), or on a small generated one when none ships;
 * the first one with a second version beside it, so the bundle carries both and serves each.
 * No network.
 */

import assert from "node:assert/strict";
import { parseSigningKeys } from "../shared/signing.ts";
import { startServer } from "../testing/server_process.ts";
import { startWorkerd } from "../testing/workerd_process.ts";
import { buildWorker } from "../scripts/build_worker.ts";
import { checkContract, type ContractBodies, signedPaths } from "../testing/contract.ts";
import { modelsFolder, shippedModels } from "../testing/models_folder.ts";
import { publishVersion } from "../testing/model_versions.ts";

const SECRET = "workerd-test-secret-0123456789abcdefghij";
const ENV = {
  DRS_SIGNING_KEYS: `wk1:${SECRET}`,
  DRS_ADMIN_TOKEN: "workerd-test-admin-token-0123456789abcdef",
};
const MIB = 1024 * 1024;

function same(a: ContractBodies, b: ContractBodies): void {
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [name, body] of a) {
    const other = b.get(name)!;
    assert.equal(body.etag, other.etag, `${name}: ETag`);
    assert.ok(
      body.bytes.length === other.bytes.length && body.bytes.every((v, i) => v === other.bytes[i]),
      `${name}: workerd and Deno bodies differ`,
    );
  }
}

/** Every version is listed ready and answers on its own route; its body joins `bodies`. */
async function servedVersions(origin: string, bodies: ContractBodies, versions: number[]) {
  const models = await (await fetch(`${origin}/v1/models`)).json();
  const model = models.models[0];
  assert.deepEqual(
    model.versions.map((v: { version: number; state: string }) => `${v.version}:${v.state}`),
    versions.map((v) => `${v}:ready`),
  );
  assert.equal(model.version, versions[0], "unpinned requests get the newest version");
  for (const v of versions) {
    const res = await fetch(`${origin}/v1/models/${model.id}/versions/${v}/samples?n=8&seed=3`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-drs-model-version"), String(v));
    bodies.set(`v${v}.json`, {
      bytes: new Uint8Array(await res.arrayBuffer()),
      etag: res.headers.get("etag"),
    });
  }
}

/** The document, the reference page and its script (the bytes of the npm package's bundle). */
async function referencePage(origin: string): Promise<void> {
  const doc = await (await fetch(`${origin}/openapi.json`)).json();
  assert.equal(doc.openapi, "3.1.0");
  assert.ok(doc.paths["/v1/models/{id}/samples"]);
  const page = await fetch(`${origin}/docs`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script src="\/docs\/scalar\.js">/);
  const script = await fetch(`${origin}/docs/scalar.js`);
  assert.equal(script.status, 200);
  assert.match(script.headers.get("content-type")!, /^text\/javascript/);
  const bytes = new Uint8Array(await script.arrayBuffer());
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const source = new URL(`../${config.imports["#scalar/standalone.js"]}`, import.meta.url);
  const expected = await Deno.readFile(source);
  assert.ok(
    bytes.length === expected.length && bytes.every((b, i) => b === expected[i]),
    "the script is the package's standalone bundle",
  );
}

const shipped = await shippedModels();

for (const [i, id] of (shipped.length ? shipped : [undefined]).entries()) {
  Deno.test({
    name: `buildWorker() output serves ${
      id ?? "a generated model"
    } in workerd with the Deno server's HTTP contract and bytes`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn(t) {
      // The first model gets a published version 2 (a copy of version 1: the bundle holds its
      // weights once); the others bring the versions they ship (mnist and fashion: a top-k G).
      const models = await modelsFolder(id, { shippedVersions: i > 0 });
      if (i === 0) await publishVersion(models.dir, { id: models.id, version: 2 });
      // The versions present at build time are the ones the Worker serves, newest first.
      const numbered = [...Deno.readDirSync(`${models.dir}/${models.id}`)]
        .filter((e) => e.isDirectory && /^[0-9]+$/.test(e.name)).map((e) => Number(e.name));
      const versions = [...numbered.sort((a, b) => b - a), 1];
      const out = await Deno.makeTempDir({ prefix: "drs_workerd_dist_" });
      const build = await buildWorker({ models: models.dir, out, ids: [models.id] });
      await t.step("buildWorker() writes the bundle and configs within the paid size limit", () => {
        assert.deepEqual(build.models, [...versions].reverse().map((v) => `${models.id} v${v}`));
        assert.ok(build.total.gzip < 10 * MIB, `gzip ${build.total.gzip} bytes`);
      });
      const script = await Deno.readTextFile(`${out}/worker.js`);
      assert.doesNotMatch(script, /from\s*"node:/, "no node: imports in the Worker");
      const capnp = await Deno.readTextFile(`${out}/worker.capnp`);
      assert.match(capnp, /wasm = embed "tfjs-backend-wasm-simd.wasm"/);
      assert.match(
        capnp,
        new RegExp(`data = embed "models/${models.id}/tfjs/generator/weights.bin"`),
      );
      assert.doesNotMatch(capnp, /\.onnx/, "ONNX files are not shipped to the Worker");
      if (i === 0) {
        // Version 2 keeps version 1's weights: bundled once, both paths read that module.
        assert.doesNotMatch(capnp, new RegExp(`embed "models/${models.id}/2/tfjs/`));
        assert.match(capnp, new RegExp(`embed "models/${models.id}/2/manifest.json"`));
        assert.match(script, new RegExp(`"${models.id}/2/tfjs/generator/weights.bin"`));
      }

      const key = (await parseSigningKeys(ENV.DRS_SIGNING_KEYS))[0];
      const signed = await signedPaths({ model: models.id, key });
      const contract = {
        model: models.id,
        kind: models.kind,
        key,
        adminToken: ENV.DRS_ADMIN_TOKEN,
      };

      let fromWorkerd: ContractBodies | undefined;
      const workerd = await startWorkerd(out, { env: ENV, readyPath: "/healthz" });
      try {
        await t.step("createWorker() in workerd passes the HTTP contract", async () => {
          fromWorkerd = await checkContract(workerd.origin, {
            ...contract,
            backend: "wasm",
            signed,
          });
          await servedVersions(workerd.origin, fromWorkerd, versions);
        });
        await t.step({
          name: "createWorker() serves /openapi.json, /docs and its script from the bundle",
          ignore: i > 0, // The same bundle code for every model.
          fn: () => referencePage(workerd.origin),
        });
        assert.doesNotMatch(workerd.log(), new RegExp(SECRET), "the secret is never logged");
      } finally {
        await workerd.stop();
      }

      await t.step({
        name: "createWorker() without DRS_SIGNING_KEYS answers 503 not_ready",
        ignore: i > 0, // Once is enough.
        fn: async () => {
          const bare = await startWorkerd(out, { readyPath: "/readyz", readyStatus: 503 });
          try {
            const res = await fetch(`${bare.origin}/v1/models`);
            assert.equal(res.status, 503);
            const body = await res.json();
            assert.equal(body.error.code, "not_ready");
            // Clients get a generic answer; the reason goes to the log.
            assert.doesNotMatch(body.error.message, /DRS_SIGNING_KEYS/);
            assert.match(body.error.message, /could not start/);
            assert.match(bare.log(), /'DRS_SIGNING_KEYS' is not set/);
          } finally {
            await bare.stop();
          }
        },
      });

      const deno = await startServer({
        env: { ...ENV, DRS_BACKEND: "wasm", DRS_MODELS_DIR: models.dir },
      });
      try {
        await t.step("the Deno server on wasm serves the same bytes as workerd", async () => {
          const fromDeno = await checkContract(deno.origin, {
            ...contract,
            backend: "wasm",
            signed,
          });
          await servedVersions(deno.origin, fromDeno, versions);
          same(fromWorkerd!, fromDeno);
        });
      } finally {
        await deno.stop();
      }
      await Deno.remove(out, { recursive: true });
      await Deno.remove(models.dir, { recursive: true });
    },
  });
}
