/**
 * The inference thread (`edge/inference_thread/`) against the same runtimes in-process, on
 * the shipped models: the same floats for every call (jobs split across ring slots included),
 * the same samples and statistics from the pipelined sampler, errors as rejections, and
 * `close()` ending every call.
 */

import { isolatedTest } from "../testing/isolated.ts";
import assert from "node:assert/strict";
import type { Backend, BackendName } from "../backends/mod.ts";
import { openBackend } from "../backends/mod.ts";
import { createInferenceThread } from "../edge/inference_thread/mod.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { fsModelSource } from "../edge/fs_source.ts";
import { createRegistry, type LoadedModel } from "../edge/registry.ts";
import { samplerModel } from "../edge/sample_response.ts";
import { BudgetExhaustedError, sample } from "../sampling/mod.ts";
import { normals } from "../shared/rng.ts";

const test = isolatedTest(import.meta.url);
const MODELS = new URL("../models", import.meta.url).pathname;
const openOptions = { wasm: { wasmPaths: denoWasmPaths() } };

/** This isolate loads each runtime first: onnxruntime-node's environment is the first isolate's. */
async function pairs(name: BackendName, thread = createInferenceThread({ slotFloats: 65_536 })) {
  const direct = createRegistry(
    fsModelSource(MODELS),
    (init) => openBackend(name, init, openOptions),
  );
  await direct.load();
  const threaded = createRegistry(
    fsModelSource(MODELS),
    (init) => thread.open(name, init, openOptions),
  );
  await threaded.load();
  assert.deepEqual(threaded.errors(), []);
  return {
    models: direct.models().map((m) => ({ direct: m, threaded: threaded.get(m.id)! })),
    thread,
    async close() {
      await threaded.dispose();
      await direct.dispose();
      thread.close();
    },
  };
}

/** A class per row (cycling) for a class-conditional model; none otherwise. */
function classesFor(model: LoadedModel, n: number): { classes?: Int32Array } {
  const count = model.manifest.classes?.length ?? 0;
  return count ? { classes: Int32Array.from({ length: n }, (_, i) => (i * 7) % count) } : {};
}

for (const name of ["onnx", "wasm"] as const) {
  test(`createInferenceThread() gives the ${name} backend's floats for every call`, async () => {
    // 64K-float slots: MNIST rows (64 + 785 floats) split into blocks of 77 above that.
    const { models, close } = await pairs(name);
    try {
      assert.ok(models.length >= 2);
      for (const { direct, threaded } of models) {
        assert.equal(threaded.backend.offThread, true);
        assert.equal(threaded.backend.name, name);
        for (const n of [1, 77, 78, 300]) {
          const z = normals(n, { start: 5, count: n, dim: direct.manifest.latentDim });
          const options = classesFor(direct, n);
          const a = await direct.backend.run(z, n, options);
          const b = await threaded.backend.run(z, n, options);
          assert.deepEqual(b.x, a.x, `${direct.id} run x, n = ${n}`);
          assert.deepEqual(b.logits, a.logits, `${direct.id} run logits, n = ${n}`);
          assert.deepEqual(
            await threaded.backend.generate(z, n, options),
            a.x,
            `${direct.id} generate`,
          );
        }
      }
    } finally {
      await close();
    }
  });
}

test("createInferenceThread() answers many concurrent calls, more than its slots", async () => {
  const { models, close } = await pairs("onnx", createInferenceThread({ slots: 2 }));
  try {
    const calls = Array.from({ length: 40 }, (_, i) => {
      const { direct, threaded } = models[i % models.length];
      const n = 1 + ((i * 37) % 200);
      const z = normals(i, { start: 0, count: n, dim: direct.manifest.latentDim });
      const options = classesFor(direct, n);
      return { direct: direct.backend, threaded: threaded.backend, z, n, options };
    });
    const results = await Promise.all(calls.map((c) => c.threaded.run(c.z, c.n, c.options)));
    for (const [i, c] of calls.entries()) {
      assert.deepEqual(results[i], await c.direct.run(c.z, c.n, c.options), `call ${i}`);
    }
  } finally {
    await close();
  }
});

test("sample() on the inference thread gives the in-process samples and statistics", async () => {
  const { models, close } = await pairs("onnx");
  try {
    for (const { direct, threaded } of models) {
      const { gamma } = direct.manifest.drs;
      for (
        const [n, seed, g] of [[1, 1, gamma], [16, 2, gamma], [256, 3, gamma], [100, 4, gamma + 2]]
      ) {
        const request = { seed, n, sampler: { kind: "drs" as const, gamma: g } };
        const a = await sample(samplerModel(direct), request);
        // Chunked and pipelined: the next chunk is queued while one is decided.
        const b = await sample(samplerModel(threaded), request, { chunk: 64 });
        assert.deepEqual(b.x, a.x, `${direct.id} n = ${n}`);
        assert.deepEqual(b.stats, a.stats, `${direct.id} n = ${n}`);
        assert.ok(b.discarded >= 0 && b.evaluated >= a.stats.proposals);
        if (n === 256) assert.ok(b.batches.length > 2, "the rounds ran in chunks");
      }
      // A budget that runs out: the same partial statistics.
      const request = { seed: 9, n: 256, sampler: { kind: "drs" as const, gamma } };
      const err = async (model: LoadedModel, chunk?: number) =>
        await sample(samplerModel(model), request, { budget: 200, chunk }).then(
          () => assert.fail("expected the budget to run out"),
          (e) => (assert.ok(e instanceof BudgetExhaustedError), e.stats),
        );
      assert.deepEqual(await err(threaded, 64), await err(direct));
    }
  } finally {
    await close();
  }
});

test("createInferenceThread() reports bad calls and open failures as errors", async () => {
  const { models, thread, close } = await pairs("onnx");
  try {
    const backend: Backend = models[0].threaded.backend;
    await assert.rejects(() => backend.run(new Float32Array(3), 1), /'z' must hold n \* \d+/);
    await assert.rejects(
      () =>
        thread.open("tpu" as BackendName, {
          latentDim: 2,
          sampleShape: [2],
          readFile: () => Promise.reject(new Error("no")),
        }),
      /Cannot open backend 'tpu' as it is not supported/,
    );
    await backend.dispose();
    await assert.rejects(() => backend.run(new Float32Array(16), 1), /disposed/);
  } finally {
    await close();
  }
});

test("close() rejects calls in flight and later calls", async () => {
  // On wasm: terminating a Worker that holds ONNX Runtime sessions can crash the process at exit
  // (exit 139 after every test passed), and what close() does is the same for either runtime.
  const { models, thread, close } = await pairs("wasm");
  // An unconditional model: its calls need no classes, so only the closed thread can refuse them.
  const { threaded, direct } = models.find((m) => !m.direct.manifest.classes)!;
  const n = 4096;
  const z = normals(1, { start: 0, count: n, dim: direct.manifest.latentDim });
  const inFlight = Promise.allSettled(
    Array.from({ length: 8 }, () => threaded.backend.run(z, n)),
  );
  thread.close();
  const settled = await inFlight;
  // The first calls may have finished before close(); every later one was rejected.
  assert.ok(settled.some((s) => s.status === "rejected"));
  for (const s of settled) {
    if (s.status === "rejected") assert.match(s.reason.message, /inference thread was closed/);
  }
  await assert.rejects(() => threaded.backend.run(z, n), /inference thread was closed/);
  // A model that opens fine on a live thread (its files read and valid): only the closed
  // thread can refuse it, and promptly (a closed thread must not leave the call hanging).
  const files = direct.manifest.files;
  const init = {
    latentDim: direct.manifest.latentDim,
    sampleShape: direct.manifest.sampleShape,
    readFile: (name: string) => Deno.readFile(`${MODELS}/${direct.id}/${files[name].path}`),
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("open() after close() never settled")), 5000);
  });
  await assert.rejects(
    Promise.race([thread.open("onnx", init), late]),
    /^Error: Cannot run the model as the inference thread was closed$/,
  );
  clearTimeout(timer);
  await close();
});
