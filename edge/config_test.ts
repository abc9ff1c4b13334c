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
    DRS_ADMIN_TOKEN: "t".repeat(32),
    DRS_INFERENCE_THREAD: "0",
  });
  assert.deepEqual([c.port, c.backend, c.modelsDir, c.adminToken], [
    0,
    "wasm",
    "/m",
    "t".repeat(32),
  ]);
  assert.throws(
    () => configFromEnv({ DRS_ADMIN_TOKEN: "short" }),
    /'DRS_ADMIN_TOKEN' must be at least 32 bytes/,
  );
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

Deno.test("configFromEnv() reads the version policy and names a bad value", () => {
  const d = configFromEnv({});
  assert.deepEqual([d.keepVersions, d.defaultVersions, d.pollSeconds], [2, {}, undefined]);
  const c = configFromEnv({
    DRS_KEEP_VERSIONS: "3",
    DRS_DEFAULT_VERSIONS: "grid25:1, mnist:12",
    DRS_MODELS_POLL_S: "5",
  });
  assert.deepEqual([c.keepVersions, c.defaultVersions, c.pollSeconds], [
    3,
    { grid25: 1, mnist: 12 },
    5,
  ]);
  assert.throws(
    () => configFromEnv({ DRS_KEEP_VERSIONS: "0" }),
    /'DRS_KEEP_VERSIONS' must be an integer >= 1: current value is '0'/,
  );
  assert.throws(
    () => configFromEnv({ DRS_MODELS_POLL_S: "0.5" }),
    /'DRS_MODELS_POLL_S' must be an integer >= 1/,
  );
  for (const bad of ["grid25", "grid25:0", "grid25:1,grid25:2", "Grid:1"]) {
    assert.throws(
      () => configFromEnv({ DRS_DEFAULT_VERSIONS: bad }),
      /'DRS_DEFAULT_VERSIONS' must list 'id:version' pairs/,
      bad,
    );
  }
});
