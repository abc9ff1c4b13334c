/**
 * The real server, started the way the README starts it (`deno run -A edge/main.ts`), on a
 * free port, with the shipped grid25 model, on both backends: real fetch over loopback.
 */

import assert from "node:assert/strict";
import { startServer } from "../testing/server_process.ts";

const MODELS = new URL("../models/", import.meta.url);
const hasGrid25 = await Deno.stat(new URL("grid25/manifest.json", MODELS)).then(
  () => true,
  () => false,
);
const KEYS = "e2e:server-test-secret-0123456789abcdefghij";
const ADMIN = "server-test-admin-token-0123456789abcdef";

// deno-lint-ignore no-explicit-any
async function json(res: Response): Promise<any> {
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  return await res.json();
}

async function rawSamples(origin: string): Promise<number[][]> {
  return (await json(await fetch(`${origin}/v1/models/grid25/samples?n=32&seed=5&drs=false`)))
    .samples;
}

const raw: Record<string, number[][]> = {};

for (const backend of ["onnx", "wasm"] as const) {
  Deno.test({
    name: `edge/main.ts serves grid25 over HTTP on the ${backend} backend`,
    ignore: !hasGrid25,
    sanitizeResources: false,
    async fn() {
      const server = await startServer({
        env: {
          DRS_BACKEND: backend,
          DRS_SIGNING_KEYS: KEYS,
          DRS_ADMIN_TOKEN: ADMIN,
          DRS_MODELS_DIR: "models",
        },
      });
      const { origin } = server;
      try {
        assert.doesNotMatch(
          server.log(),
          /server-test-secret/,
          "the signing secret is never logged",
        );
        assert.deepEqual(await json(await fetch(`${origin}/healthz`)), { status: "ok" });
        const ready = await json(await fetch(`${origin}/readyz`));
        assert.ok(ready.models.includes("grid25"));
        const model = await json(await fetch(`${origin}/v1/models/grid25`));
        assert.equal(model.backend, backend);
        assert.equal(model.inferenceThread, true, "G+D on the inference thread by default");
        assert.equal(model.kind, "points2d");

        const url = `${origin}/v1/models/grid25/samples?n=64&seed=7`;
        const a = await fetch(url), b = await fetch(url);
        const bytesA = new Uint8Array(await a.arrayBuffer());
        assert.deepEqual(bytesA, new Uint8Array(await b.arrayBuffer()), "same request, same bytes");
        const body = JSON.parse(new TextDecoder().decode(bytesA));
        assert.equal(body.samples.length, 64);
        assert.equal(body.seed, 7);
        assert.equal(body.stats.accepted, 64);
        raw[backend] = await rawSamples(origin);

        const png = await fetch(`${origin}/v1/models/grid25/samples?n=256&seed=1&format=png`);
        assert.equal(png.headers.get("content-type"), "image/png");
        assert.deepEqual([...new Uint8Array(await png.arrayBuffer()).slice(0, 4)], [
          0x89,
          0x50,
          0x4e,
          0x47,
        ]);

        const bad = await fetch(`${origin}/v1/models/grid25/samples?n=1000`);
        assert.equal(bad.status, 400);
        assert.match((await json(bad)).error.message, /'n'/);

        const signed = await json(
          await fetch(`${origin}/v1/sign`, {
            method: "POST",
            headers: { authorization: `Bearer ${ADMIN}` },
            body: JSON.stringify({ model: "grid25", seed: 7, n: 16, ttl: 600 }),
          }),
        );
        const image = await fetch(signed.url);
        assert.equal(image.status, 200);
        await image.arrayBuffer();
        assert.match(image.headers.get("cache-control")!, /^public, max-age=\d+, immutable$/);
        assert.equal(image.headers.get("access-control-allow-origin"), "*");
        assert.equal(image.headers.get("cross-origin-resource-policy"), "cross-origin");
        const again = await fetch(signed.url, {
          headers: { "if-none-match": image.headers.get("etag")! },
        });
        await again.body?.cancel();
        assert.equal(again.status, 304);
        const tampered = await fetch(signed.url.replace("n=16", "n=15"));
        assert.equal(tampered.status, 403);
        assert.equal((await json(tampered)).error.code, "bad_signature");

        const cli = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "-A",
            "edge/sign_cli.ts",
            "--model",
            "grid25",
            "--seed",
            "7",
            "--n",
            "16",
            "--ttl",
            "60",
            "--base-url",
            origin,
          ],
          cwd: new URL("../", import.meta.url),
          env: { DRS_SIGNING_KEYS: KEYS },
        }).output();
        assert.equal(cli.code, 0, new TextDecoder().decode(cli.stderr));
        // The CLI pins the newest version, the one plain requests get.
        const pinned = /Pinned to version (\d+) of 'grid25'/.exec(
          new TextDecoder().decode(cli.stderr),
        )?.[1];
        assert.equal(pinned, String(model.version));
        const cliUrl = new TextDecoder().decode(cli.stdout).trim();
        assert.equal(new URL(cliUrl).searchParams.get("v"), pinned);
        const cliImage = await fetch(cliUrl);
        await cliImage.arrayBuffer();
        assert.equal(cliImage.status, 200);

        const metrics = await (await fetch(`${origin}/metrics`)).text();
        assert.match(
          metrics,
          new RegExp(`drs_accepted_total\\{model="grid25",version="${pinned}"\\} \\d+`),
        );
        assert.match(metrics, /drs_http_requests_total\{route="\/v1\/s\/:file",status="403"\} 1/);
      } finally {
        await server.stop();
      }
    },
  });
}

Deno.test({
  name: "onnx and wasm serve the same raw grid25 samples (within float tolerance)",
  ignore: !hasGrid25,
  fn() {
    assert.ok(raw.onnx && raw.wasm, "both backend tests ran");
    for (let i = 0; i < raw.onnx.length; i++) {
      for (let k = 0; k < 2; k++) {
        assert.ok(
          Math.abs(raw.onnx[i][k] - raw.wasm[i][k]) < 1e-4,
          `sample ${i}: ${raw.onnx[i]} vs ${raw.wasm[i]}`,
        );
      }
    }
  },
});
