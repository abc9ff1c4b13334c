import assert from "node:assert/strict";
import { fakeGridBackend } from "../testing/fake_backends.ts";
import type { Backend, BackendInit, BackendName } from "./mod.ts";
import { resolveBackend } from "./open.ts";

const init: BackendInit = {
  latentDim: 3,
  sampleShape: [2],
  readFile: () => Promise.reject(new Error("no files")),
};

/** An opener where `broken` runtimes fail with their own message; records the order tried. */
function opener(broken: readonly BackendName[], tried: BackendName[] = []) {
  return (name: BackendName): Promise<Backend> => {
    tried.push(name);
    return broken.includes(name)
      ? Promise.reject(new Error(`${name} is broken`))
      : Promise.resolve({ ...fakeGridBackend(), name });
  };
}

Deno.test("resolveBackend() tries onnx then wasm for 'auto' and reports the fallback", async () => {
  const tried: BackendName[] = [];
  const fallbacks: string[] = [];
  const backend = await resolveBackend("auto", init, {
    open: opener(["onnx"], tried),
    onFallback: (name, error) => fallbacks.push(`${name}: ${error.message}`),
  });
  assert.equal(backend.name, "wasm");
  assert.deepEqual(tried, ["onnx", "wasm"]);
  assert.deepEqual(fallbacks, ["onnx: onnx is broken"]);
  const first = await resolveBackend("auto", init, { open: opener([]) });
  assert.equal(first.name, "onnx");
});

Deno.test("resolveBackend() names every runtime's error when none opens the model", async () => {
  await assert.rejects(
    resolveBackend("auto", init, { open: opener(["onnx", "wasm"]) }),
    (error: AggregateError) => {
      assert.equal(
        error.message,
        "Cannot open the model on any backend: onnx: onnx is broken; wasm: wasm is broken",
      );
      assert.equal(error.errors.length, 2);
      return true;
    },
  );
});

Deno.test("resolveBackend() opens one named runtime only and throws its error as it is", async () => {
  const tried: BackendName[] = [];
  await assert.rejects(
    resolveBackend("onnx", init, { open: opener(["onnx"], tried) }),
    /^Error: onnx is broken$/,
  );
  assert.deepEqual(tried, ["onnx"]);
  assert.equal((await resolveBackend("wasm", init, { open: opener(["onnx"]) })).name, "wasm");
});
