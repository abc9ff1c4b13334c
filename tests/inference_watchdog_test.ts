/**
 * The inference thread's watchdog and bounded queue (`edge/inference_thread/`), with a worker
 * that has two injected faults (tests/fixtures/workers/faulty_inference_worker.ts): a job that
 * never returns and a thread that dies. The calls in flight fail, the models are re-opened on a
 * new thread and give the same floats as before; `health()` says `restarting` meanwhile.
 */

import { isolatedTest } from "../testing/isolated.ts";
import assert from "node:assert/strict";
import { BackendBusyError, type BackendName } from "../backends/mod.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import {
  createInferenceThread,
  type InferenceThread,
  threadProblem,
} from "../edge/inference_thread/mod.ts";
import { configFromEnv } from "../edge/config.ts";
import { startService } from "../edge/start.ts";
import { parseSigningKeys } from "../shared/signing.ts";
import { fsModelSource } from "../edge/fs_source.ts";
import { createRegistry } from "../edge/registry.ts";
import { normals } from "../shared/rng.ts";

const test = isolatedTest(import.meta.url);
const MODELS = new URL("../models", import.meta.url).pathname;
const FAULTY = new URL("./fixtures/workers/faulty_inference_worker.ts", import.meta.url);

async function grid25On(name: BackendName, thread: InferenceThread) {
  const registry = createRegistry(
    fsModelSource(MODELS),
    (init) => thread.open(name, init, { wasm: { wasmPaths: denoWasmPaths() } }),
  );
  await registry.load();
  const model = registry.get("grid25")!;
  const z = (n: number) => normals(3, { start: 0, count: n, dim: model.manifest.latentDim });
  return { registry, backend: model.backend, z };
}

async function until(what: string, done: () => boolean, ms = 20_000): Promise<void> {
  for (const start = Date.now(); !done(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() - start > ms) throw new Error(`Timed out waiting for ${what}`);
  }
}

for (const name of ["wasm", "onnx"] as const) {
  test(`createInferenceThread() restarts a ${name} thread whose job hangs`, async () => {
    const errors: unknown[][] = [];
    const thread = createInferenceThread({
      url: FAULTY,
      jobTimeoutSeconds: 0.5,
      log: { error: (...args: unknown[]) => errors.push(args) },
    });
    const { registry, backend, z } = await grid25On(name, thread);
    try {
      const before = await backend.run(z(8), 8);
      const started = Date.now();
      await assert.rejects(
        backend.run(z(13), 13),
        /inference thread restarted: a job ran past 0.5 s/,
      );
      assert.ok(Date.now() - started < 5_000, `failed after ${Date.now() - started} ms`);
      assert.equal(thread.health().state, "restarting");
      // A call made meanwhile waits for the re-open, then runs on the new thread.
      const after = await backend.run(z(8), 8);
      assert.deepEqual(after, before);
      assert.deepEqual(thread.health(), {
        state: "running",
        restarts: 1,
        reason: "a job ran past 0.5 s",
      });
      const models = registry.ids().flatMap((id) => registry.versions(id) ?? []).length;
      assert.match(
        String(errors[0][0]),
        new RegExp(`Restarting the inference thread and re-opening ${models} model`),
      );
    } finally {
      await registry.dispose();
      thread.close();
    }
    assert.equal(thread.health().state, "stopped");
  });
}

test("createInferenceThread() restarts a thread that dies, and gives up on one that keeps dying", async () => {
  const errors: unknown[][] = [];
  const thread = createInferenceThread({
    url: FAULTY,
    log: { error: (...args: unknown[]) => errors.push(args) },
  });
  const { registry, backend, z } = await grid25On("wasm", thread);
  try {
    const before = await backend.run(z(8), 8);
    await assert.rejects(backend.run(z(17), 17), /inference thread stopped: .*injected fault/);
    assert.deepEqual(await backend.run(z(8), 8), before);
    assert.equal(thread.health().restarts, 1);
    // Five more in a minute: the sixth restart is refused and the thread stays down.
    for (let i = 0; i < 5; i++) {
      await assert.rejects(backend.run(z(17), 17), /injected fault/);
      await until("the re-open", () => thread.health().state !== "restarting");
    }
    assert.equal(thread.health().state, "stopped");
    await assert.rejects(backend.run(z(8), 8), /inference thread stopped/);
    assert.match(
      String(errors.at(-1)![0]),
      /Stopping the inference thread \(6 restarts in a minute\)/,
    );
  } finally {
    await registry.dispose();
    thread.close();
  }
});

test("createInferenceThread() fails a call at once with BackendBusyError when its queue is full", async () => {
  const thread = createInferenceThread({
    url: FAULTY,
    slots: 1,
    maxWaiting: 2,
    jobTimeoutSeconds: 0,
  });
  const { registry, backend, z } = await grid25On("wasm", thread);
  try {
    // The hanging job holds the only slot; two more wait; the fourth is refused.
    const hung = backend.run(z(13), 13);
    hung.catch(() => {});
    const waiting = [backend.run(z(4), 4), backend.run(z(5), 5)];
    for (const w of waiting) w.catch(() => {});
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(backend.run(z(6), 6), (e) => e instanceof BackendBusyError);
  } finally {
    thread.close();
    await registry.dispose();
  }
});

test("the server answers a hung request 503, says 'restarting' on /readyz, then serves again", async () => {
  const thread = createInferenceThread({
    url: FAULTY,
    jobTimeoutSeconds: 0.5,
    log: { error() {} },
  });
  const service = startService(configFromEnv({ DRS_BACKEND: "wasm" }, { cpus: 2 }), {
    source: fsModelSource(MODELS),
    keys: await parseSigningKeys(`k:${"s".repeat(32)}`),
    open: (name, init) => thread.open(name, init, { wasm: { wasmPaths: denoWasmPaths() } }),
    chunked: true,
    runtimeProblem: () => threadProblem(thread),
    log: { log() {}, warn() {}, error() {} },
  });
  try {
    await service.ready;
    const get = (path: string) => service.app.request(path);
    const alone = await get("/v1/models/grid25/samples?n=8&seed=4&sampler=raw");
    assert.equal(alone.status, 200);
    const seen: string[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const r = await get("/readyz");
        const code = r.status === 200 ? "ready" : (await r.json()).error.code;
        if (seen.at(-1) !== code) seen.push(code);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    // 13 proposals: the faulty worker's hanging job.
    const hung = await get("/v1/models/grid25/samples?n=13&seed=4&sampler=raw");
    assert.equal(hung.status, 503);
    assert.equal(hung.headers.get("cache-control"), "no-store");
    assert.equal((await hung.json()).error.code, "model_error");
    await until("ready again", () => thread.health().state === "running");
    await new Promise((r) => setTimeout(r, 20));
    polling = false;
    await poll;
    assert.deepEqual(seen, ["ready", "restarting", "ready"]);
    const again = await get("/v1/models/grid25/samples?n=8&seed=4&sampler=raw");
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), await alone.json());
  } finally {
    await service.close();
    thread.close();
  }
});
