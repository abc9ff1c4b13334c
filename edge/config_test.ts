import assert from "node:assert/strict";
import { configFromEnv } from "./config.ts";

Deno.test("configFromEnv() applies defaults", () => {
  const c = configFromEnv({});
  assert.equal(c.port, 8000);
  assert.equal(c.backend, "auto");
  assert.equal(c.modelsDir, "models");
  assert.equal(c.signingKeys, undefined);
  assert.equal(c.adminToken, undefined);
});

Deno.test("configFromEnv() reads variables and names a bad one", () => {
  const c = configFromEnv({
    PORT: "0",
    DRS_BACKEND: "wasm",
    DRS_MODELS_DIR: "/m",
    DRS_ADMIN_TOKEN: "t",
  });
  assert.deepEqual([c.port, c.backend, c.modelsDir, c.adminToken], [0, "wasm", "/m", "t"]);
  assert.throws(
    () => configFromEnv({ DRS_BACKEND: "gpu" }),
    /'DRS_BACKEND' must be 'onnx', 'wasm' or 'auto'/,
  );
  assert.throws(() => configFromEnv({ PORT: "http" }), /'PORT' must be an integer/);
  assert.throws(() => configFromEnv({ PORT: "70000" }), /'PORT' must be in 0\.\.65535/);
  assert.throws(() => configFromEnv({ DRS_BUDGET: "0" }), /'DRS_BUDGET' must be an integer >= 1/);
});
