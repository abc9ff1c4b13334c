/**
 * The shipped MNIST model served by the real app on both backends (ONNX Runtime and
 * tfjs-wasm): PNG grids of n images, single 28 x 28 images upscaled 1..8 (nearest neighbour),
 * JSON shapes, and the same pixels from both runtimes for the same seed.
 */
import assert from "node:assert/strict";
import { decode } from "fast-png";
import { createApp } from "../edge/app.ts";
import { openBackend } from "../backends/open.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { fsModelSource } from "../edge/fs_source.ts";
import { createRegistry } from "../edge/registry.ts";
import { testKey } from "../testing/fake_models.ts";
import type { BackendName } from "../backends/mod.ts";
import { isolatedTest } from "../testing/isolated.ts";

// onnxruntime-node allows one isolate per process: run this module in its own process.
const test = isolatedTest(import.meta.url);

// The shipped models (a scratch folder can stand in while developing).
const MODELS = Deno.env.get("DRS_TEST_MODELS_DIR") ??
  new URL("../models", import.meta.url).pathname;

async function appFor(backend: BackendName) {
  const registry = createRegistry(
    fsModelSource(MODELS),
    (init) => openBackend(backend, init, { wasm: { wasmPaths: denoWasmPaths() } }),
  );
  await registry.load();
  const app = createApp({ registry, keys: [await testKey()], limits: { concurrency: 1 } });
  return { app, registry };
}

async function png(app: Awaited<ReturnType<typeof appFor>>["app"], query: string) {
  const res = await app.request(`/v1/models/mnist/samples?format=png&${query}`);
  assert.equal(res.status, 200, `${query}: ${res.status}`);
  assert.equal(res.headers.get("content-type"), "image/png");
  return decode(new Uint8Array(await res.arrayBuffer()));
}

test("models/mnist serves PNG grids and single upscaled images on onnx and wasm alike", async () => {
  const pixels: Record<string, ArrayLike<number>> = {};
  for (const backend of ["onnx", "wasm"] as const) {
    const { app, registry } = await appFor(backend);
    try {
      assert.ok(
        registry.get("mnist"),
        `mnist failed to load: ${JSON.stringify(registry.errors())}`,
      );
      const grid = await png(app, "n=16&seed=11&scale=2");
      assert.deepEqual([grid.width, grid.height], [4 * 56 + 5 * 2, 4 * 56 + 5 * 2]);
      for (const scale of [1, 2, 5, 8]) {
        const one = await png(app, `n=1&seed=4&drs=false&scale=${scale}`);
        assert.deepEqual([one.width, one.height], [28 * scale, 28 * scale]);
        if (scale === 1) pixels[backend] = one.data;
        if (scale === 8) {
          // Nearest neighbour: every 8 x 8 block is one colour.
          const at = (x: number, y: number) => one.data[(y * one.width + x) * one.channels];
          for (const [bx, by] of [[3, 3], [14, 10], [20, 25]]) {
            for (let k = 0; k < 8; k++) {
              assert.deepEqual(at(bx * 8 + k, by * 8 + 7 - k), at(bx * 8, by * 8));
            }
          }
        }
      }
      // A grid too large to draw on the request thread is refused before sampling.
      const huge = await app.request("/v1/models/mnist/samples?format=png&n=256&seed=1&scale=8");
      assert.equal(huge.status, 400);
      assert.equal((await huge.json()).error.details.parameter, "scale");
      const json = await app.request("/v1/models/mnist/samples?n=2&seed=5");
      assert.equal(json.status, 200);
      const body = await json.json();
      const samples = body.samples;
      assert.deepEqual([
        samples.length,
        samples[0].length,
        samples[0][0].length,
        samples[0][0][0].length,
      ], [2, 28, 28, 1]);
    } finally {
      await registry.dispose();
    }
  }
  // Same seed, same raw image from both runtimes (8-bit pixels within 1 level).
  let worst = 0;
  for (let i = 0; i < pixels.onnx.length; i++) {
    worst = Math.max(worst, Math.abs(pixels.onnx[i] - pixels.wasm[i]));
  }
  assert.ok(worst <= 1, `onnx vs wasm pixels differ by ${worst}`);
});
