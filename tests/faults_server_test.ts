/**
 * Faults at the real server (`deno run -A edge/main.ts`, onnx backend): a models folder with
 * one good model beside corrupted, truncated, missing and undecodable files and a manifest
 * that fails validation. Each bad model is refused at start-up with a line naming it and the
 * file, answers 503 model_unavailable, and the good one keeps serving. A client that
 * disconnects mid-request leaves the server healthy with its limiter drained.
 */

import assert from "node:assert/strict";
import { startServer } from "../testing/server_process.ts";
import { sha256Hex } from "../shared/hash.ts";

const SOURCE = new URL("../models/mnist/", import.meta.url).pathname;

// deno-lint-ignore no-explicit-any
type Change = (files: Map<string, Uint8Array | null>, manifest: any) => unknown;

/** A copy of models/mnist as `<root>/<id>` (unchanged files copied: links are refused), with `change` applied. */
async function variant(root: string, id: string, change: Change): Promise<void> {
  const manifest = JSON.parse(await Deno.readTextFile(`${SOURCE}manifest.json`));
  manifest.id = id;
  const files = new Map<string, Uint8Array | null>();
  await change(files, manifest);
  for (const entry of Object.values(manifest.files ?? {}) as { path: string }[]) {
    const target = `${root}/${id}/${entry.path}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    const bytes = files.get(entry.path);
    if (bytes === null) continue; // deleted
    if (bytes) await Deno.writeFile(target, bytes);
    else await Deno.copyFile(`${SOURCE}${entry.path}`, target);
  }
  await Deno.writeTextFile(`${root}/${id}/manifest.json`, JSON.stringify(manifest));
}

const original = (path: string) => Deno.readFileSync(`${SOURCE}${path}`);

const VARIANTS: Record<string, { change: Change; log: RegExp }> = {
  mnist: { change: () => {}, log: /^$/ },
  corrupt: {
    change: (files) => {
      const bytes = original("generator.onnx");
      bytes[bytes.length >> 1] ^= 0xff;
      files.set("generator.onnx", bytes);
    },
    log: /'corrupt\/generator\.onnx' as its contents do not match the manifest: expected sha256/,
  },
  truncated: {
    change: (files) =>
      files.set("discriminator.onnx", original("discriminator.onnx").slice(0, 1000)),
    log: /'truncated\/discriminator\.onnx' as its contents do not match the manifest/,
  },
  missing: {
    change: (files) => files.set("generator.onnx", null),
    log: /'missing\/generator\.onnx' as it cannot be read: no such file$/m,
  },
  invalid: {
    change: (_files, manifest) => (manifest.drs.logM = "high"),
    log: /invalid\/manifest\.json.*drs\.logM/,
  },
  undecodable: {
    // Hashes match (the manifest was rewritten to fit) but ONNX Runtime cannot parse the bytes.
    change: async (files, manifest) => {
      const garbage = new TextEncoder().encode("this is not an ONNX protobuf ".repeat(40));
      files.set("discriminator.onnx", garbage);
      manifest.files["discriminator.onnx"].bytes = garbage.byteLength;
      manifest.files["discriminator.onnx"].sha256 = await sha256Hex(garbage);
    },
    log:
      /Refusing model 'undecodable' version 1: Cannot open 'discriminator\.onnx' as ONNX Runtime cannot load it/,
  },
};

async function modelsDir(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "drs-faults-" });
  for (const [id, { change }] of Object.entries(VARIANTS)) await variant(root, id, change);
  return root;
}

// deno-lint-ignore no-explicit-any
async function json(res: Response): Promise<any> {
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  return await res.json();
}

async function gauge(origin: string, name: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1]);
}

Deno.test({
  name:
    "edge/main.ts refuses each bad model at start-up naming the file and keeps serving the good one",
  sanitizeResources: false,
  async fn() {
    const dir = await modelsDir();
    const server = await startServer({ env: { DRS_MODELS_DIR: dir, DRS_BACKEND: "onnx" } });
    try {
      const log = server.log();
      for (const [id, { log: line }] of Object.entries(VARIANTS)) {
        if (id === "mnist") continue;
        assert.match(log, new RegExp(`Refusing model '${id}' version 1: `), id);
        assert.match(log, line, id);
        const res = await fetch(`${server.origin}/v1/models/${id}/samples?seed=1`);
        assert.equal(res.status, 503, id);
        const { error } = await json(res);
        assert.equal(error.code, "model_unavailable");
        assert.match(
          error.details.reason,
          line.source.startsWith("Refusing") ? /ONNX Runtime/ : line,
        );
      }
      assert.match(log, /Loaded 1 model\(s\) from .* mnist/);
      const ready = await json(await fetch(`${server.origin}/readyz`));
      assert.deepEqual(ready.models, ["mnist"]);
      assert.equal(ready.errors.length, Object.keys(VARIANTS).length - 1);
      const good = await fetch(`${server.origin}/v1/models/mnist/samples?n=4&seed=1`);
      assert.equal(good.status, 200);
      assert.equal((await json(good)).samples.length, 4);
      assert.equal(await gauge(server.origin, "drs_models_loaded"), 1);
      assert.equal(
        await gauge(server.origin, "drs_models_failed"),
        Object.keys(VARIANTS).length - 1,
      );
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "edge/main.ts stays healthy and drains its limiter when clients disconnect mid-request",
  sanitizeResources: false,
  async fn() {
    const server = await startServer({
      env: { DRS_MODELS_DIR: "models", DRS_BACKEND: "onnx", DRS_CONCURRENCY: "1", DRS_QUEUE: "8" },
    });
    const { origin } = server;
    try {
      // Slow requests (many proposals, a large PNG), so the aborts land while they run or wait.
      // An image model (models/mnist): G+D and the PNG are slow enough to abort mid-way.
      const models = (await json(await fetch(`${origin}/v1/models`))).models;
      const model = (models.find((m: { kind: string }) => m.kind === "image") ?? models[0]).id;
      const controllers = Array.from({ length: 6 }, () => new AbortController());
      const pending = controllers.map((c, i) =>
        fetch(
          `${origin}/v1/models/${model}/samples?n=256&seed=${i}&acceptance=0.05&format=png&scale=3`,
          {
            signal: c.signal,
          },
        ).then((r) => r.arrayBuffer()).then(() => "completed", (e) => (e as Error).name)
      );
      let busy = 0;
      for (let i = 0; i < 50 && busy === 0; i++) {
        busy = await gauge(origin, "drs_sampler_active") +
          await gauge(origin, "drs_sampler_queued");
      }
      assert.ok(busy > 0, "the requests were not in flight when aborted");
      controllers.forEach((c) => c.abort());
      assert.ok((await Promise.all(pending)).includes("AbortError"));
      const abortedAt = Date.now(), deadline = abortedAt + 60_000;
      let drained = false;
      while (!drained && Date.now() < deadline) {
        drained = await gauge(origin, "drs_sampler_active") === 0 &&
          await gauge(origin, "drs_sampler_queued") === 0;
        if (!drained) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(drained, "the limiter never drained after the clients left");
      console.log(
        `limiter drained ${Date.now() - abortedAt} ms after ${controllers.length} aborts`,
      );
      // Requests whose client left were dropped from the queue or stopped (499 in the metrics).
      const metrics = await (await fetch(`${origin}/metrics`)).text();
      assert.match(metrics, /route="\/v1\/models\/:id\/samples",status="499"\} [1-9]/);
      const after = await fetch(`${origin}/v1/models/${model}/samples?n=2&seed=1`);
      assert.equal(after.status, 200);
      await after.arrayBuffer();
      const health = await json(await fetch(`${origin}/healthz`));
      assert.deepEqual(health, { status: "ok" });
      assert.doesNotMatch(server.log(), /Unhandled error|panicked|Uncaught/);
    } finally {
      await server.stop();
    }
  },
});
