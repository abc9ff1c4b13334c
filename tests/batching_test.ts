/**
 * Batching across requests on the shipped models (`backends/batching.ts`): concurrent requests
 * through the app, whose G+D calls merge into shared batches, get the same bytes as each request
 * served alone, on ONNX Runtime and tfjs-wasm in-process and on the inference thread.
 */

import { isolatedTest } from "../testing/isolated.ts";
import assert from "node:assert/strict";
import { batchingBackend } from "../backends/batching.ts";
import { type BackendName, openBackend } from "../backends/mod.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { createApp } from "../edge/app.ts";
import { fsModelSource } from "../edge/fs_source.ts";
import { createInferenceThread } from "../edge/inference_thread/mod.ts";
import { createRegistry } from "../edge/registry.ts";
import { parseSigningKeys } from "../shared/signing.ts";

const test = isolatedTest(import.meta.url);
const MODELS = new URL("../models", import.meta.url).pathname;
const runtimes = { wasm: { wasmPaths: denoWasmPaths() } };

/** Requests of every kind: models, n, classes, samplers, formats. */
const REQUESTS = [
  "/v1/models/mnist/samples?n=1&seed=1&class=3&format=png",
  "/v1/models/mnist/samples?n=16&seed=2",
  "/v1/models/mnist/samples?n=5&seed=3&sampler=mh&k=8",
  "/v1/models/mnist/samples?n=1&seed=4&format=png",
  "/v1/models/fashion/samples?n=7&seed=5&class=all&format=png",
  "/v1/models/fashion/samples?n=3&seed=6&sampler=raw",
  "/v1/models/grid25/samples?n=64&seed=7",
  "/v1/models/grid25/samples?n=1&seed=8&sampler=truncation&psi=0.8",
  "/v1/models/mnist/samples?n=2&seed=9&acceptance=0.5",
  "/v1/models/fashion/samples?n=1&seed=10&class=1",
];

for (const [name, threaded] of [["onnx", false], ["wasm", false], ["onnx", true]] as const) {
  test(`batched ${name}${threaded ? " (inference thread)" : ""}: concurrent requests get the bytes they get alone`, async () => {
    const thread = threaded ? createInferenceThread() : undefined;
    const merged: number[] = [];
    const registry = createRegistry(fsModelSource(MODELS), async (init) =>
      batchingBackend(
        await (thread
          ? thread.open(name as BackendName, init, runtimes)
          : openBackend(name as BackendName, init, runtimes)),
        init,
        { maxInFlight: 1, onBatch: (calls) => merged.push(calls) },
      ));
    await registry.load();
    assert.deepEqual(registry.errors(), []);
    const app = createApp({
      registry,
      keys: await parseSigningKeys(`k:${"s".repeat(32)}`),
      limits: { concurrency: 8, queue: 64, chunk: thread ? 64 : undefined },
    });
    const body = async (path: string) => {
      const res = await app.request(path);
      assert.equal(res.status, 200, `${path}: ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    };
    try {
      const alone = [];
      for (const path of REQUESTS) alone.push(await body(path));
      assert.equal(merged.length, 0, "one request at a time never merges");
      for (let round = 0; round < 3; round++) {
        const together = await Promise.all(REQUESTS.map(body));
        for (const [i, path] of REQUESTS.entries()) {
          assert.deepEqual(together[i], alone[i], `${path} (round ${round})`);
        }
      }
      assert.ok(merged.length > 0, "concurrent requests merged their calls");
      console.log(`${merged.length} merged batches of ${merged.join(", ")} calls`);
    } finally {
      await registry.dispose();
      thread?.close();
    }
  });
}
