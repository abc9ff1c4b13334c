import assert from "node:assert/strict";
import { configFromEnv } from "./config.ts";

Deno.test("configFromEnv() applies defaults", () => {
  const c = configFromEnv({}, { cpus: 2 });
  assert.equal(c.port, 8000);
  assert.equal(c.backend, "auto");
  assert.equal(c.modelsDir, "models");
  assert.equal(c.signingKeys, undefined);
  assert.equal(c.adminToken, undefined);
  assert.deepEqual([c.inferenceThread, c.chunk], [true, 256]);
  // One CPU: no second thread unless asked for.
  assert.equal(configFromEnv({}, { cpus: 1 }).inferenceThread, false);
  assert.equal(configFromEnv({ DRS_INFERENCE_THREAD: "1" }, { cpus: 1 }).inferenceThread, true);
});

Deno.test("configFromEnv() reads variables and names a bad one", () => {
  const c = configFromEnv({
    PORT: "0",
    DRS_BACKEND: "wasm",
    DRS_MODELS_DIR: "/m",
    DRS_ADMIN_TOKEN: "t",
    DRS_INFERENCE_THREAD: "0",
  });
  assert.deepEqual([c.port, c.backend, c.modelsDir, c.adminToken], [0, "wasm", "/m", "t"]);
  assert.equal(c.inferenceThread, false);
  assert.throws(
    () => configFromEnv({ DRS_INFERENCE_THREAD: "yes" }),
    /'DRS_INFERENCE_THREAD' must be an integer >= 0: current value is 'yes'/,
  );
  assert.throws(
    () => configFromEnv({ DRS_BACKEND: "gpu" }),
    /'DRS_BACKEND' must be 'onnx', 'wasm' or 'auto'/,
  );
  assert.throws(() => configFromEnv({ PORT: "http" }), /'PORT' must be an integer/);
  assert.throws(() => configFromEnv({ PORT: "70000" }), /'PORT' must be in 0\.\.65535/);
  assert.throws(() => configFromEnv({ DRS_BUDGET: "0" }), /'DRS_BUDGET' must be an integer >= 1/);
});
