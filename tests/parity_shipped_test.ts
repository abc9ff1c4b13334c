/**
 * Parity over every shipped model (`models/<id>/manifest.json`): hashes match the manifest;
 * the TF.js export on the cpu backend (the train-time code path), ONNX Runtime and
 * tfjs-backend-wasm agree within 1e-5 (D's logits, relative to their largest magnitude when
 * over 1) and 5e-5 (G's samples) on fixed inputs; DRS decisions with the manifest's
 * constants agree on at least 99.9% of proposals across the two serving runtimes.
 */

import assert from "node:assert/strict";
import { isolatedTest } from "../testing/isolated.ts";
import * as tf from "@tensorflow/tfjs";
import { BACKEND_FILES, type BackendInit } from "../backends/mod.ts";
import { openBackend } from "../backends/open.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { loadLayersModelFromBytes } from "../backends/tfjs_load.ts";
import { verifyFileBytes } from "../shared/hash.ts";
import { type Manifest, parseManifestText } from "../shared/manifest.ts";
import { parseModelVersion } from "../shared/model_versions.ts";
import { normals } from "../shared/rng.ts";
import {
  decisionAgreement,
  discriminatorOn,
  maxAbsDiff,
  proposalLogits,
} from "../testing/parity.ts";

const test = isolatedTest(import.meta.url);

const TOLERANCE = 1e-5;
/**
 * G's outputs (in [-1, 1]) may differ by more: float32 sums in another order across 3 conv
 * layers, and the top-k G of mnist and fashion version 2 carries larger activations (its junk
 * mode saturates) than version 1: 1.1e-5 and 2.4e-5 there against 6e-6. A PNG step is 7.8e-3.
 */
const TOLERANCE_X = 5e-5;
/** `models/` of this checkout; `PARITY_MODELS_DIR` points the test elsewhere. */
const MODELS = (Deno.env.get("PARITY_MODELS_DIR") ?? new URL("../models", import.meta.url).pathname)
  .replace(/\/*$/, "/");

/** Every version of every shipped model: flat folders, and numbered version folders. */
async function shippedModels(): Promise<{ dir: string; manifest: Manifest }[]> {
  const found: { dir: string; manifest: Manifest }[] = [];
  const add = async (dir: string) => {
    const source = `${dir}/manifest.json`;
    const text = await Deno.readTextFile(source).catch(() => undefined);
    if (text !== undefined) found.push({ dir, manifest: parseManifestText(text, { source }) });
  };
  try {
    for await (const entry of Deno.readDir(MODELS)) {
      if (!entry.isDirectory || entry.name.startsWith(".")) continue;
      await add(`${MODELS}${entry.name}`);
      for await (const version of Deno.readDir(`${MODELS}${entry.name}`)) {
        if (version.isDirectory && parseModelVersion(version.name) !== undefined) {
          await add(`${MODELS}${entry.name}/${version.name}`);
        }
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found.sort((a, b) => a.dir.localeCompare(b.dir));
}

/** G and D on the cpu backend from the TF.js export: the train-time layers code. */
async function cpuReference(
  init: BackendInit,
  z: Float32Array,
  n: number,
  classes?: Int32Array,
) {
  await tf.setBackend("cpu");
  const load = async (role: string) => {
    const names = { modelJson: `tfjs/${role}/model.json`, weights: `tfjs/${role}/weights.bin` };
    const files = {
      modelJson: await init.readFile(names.modelJson),
      weights: await init.readFile(names.weights),
    };
    return await loadLayersModelFromBytes(files, names);
  };
  const [g, d] = [await load("generator"), await load("discriminator")];
  const [x, logits] = tf.tidy(() => {
    const zt = tf.tensor2d(z, [n, init.latentDim]);
    const y = classes ? tf.tensor2d(classes, [n, 1], "int32") : undefined;
    const xt = g.predict(y ? [zt, y] : zt) as tf.Tensor;
    const lt = d.predict(y ? [xt, y] : xt) as tf.Tensor;
    return [xt.dataSync() as Float32Array, lt.dataSync() as Float32Array];
  });
  g.dispose();
  d.dispose();
  return { x, logits };
}

const models = await shippedModels();

if (models.length === 0) {
  Deno.test({
    name:
      "openBackend() parity over shipped models: none under models/*/manifest.json yet (skipped)",
    ignore: true,
    fn() {},
  });
}

for (const { dir, manifest } of models) {
  test(`openBackend() onnx and wasm match tfjs on shipped model '${dir.slice(MODELS.length)}' and agree on DRS`, async () => {
    const bytes = new Map<string, Uint8Array>();
    for (const [name, entry] of Object.entries(manifest.files)) {
      const data = await Deno.readFile(`${dir}/${entry.path}`);
      await verifyFileBytes(`${manifest.id}/${entry.path}`, data, entry);
      bytes.set(name, data);
    }
    // Models trained here ship both formats; a bring-your-own pair (no `training`) may ship ONNX only.
    const hasTfjs = BACKEND_FILES.wasm.every((name) => bytes.has(name));
    const required = [
      ...BACKEND_FILES.onnx,
      ...(manifest.training || hasTfjs ? BACKEND_FILES.wasm : []),
    ];
    for (const name of required) assert.ok(bytes.has(name), `'${manifest.id}' must ship '${name}'`);
    const classCount = manifest.classes?.length ?? 0;
    const init: BackendInit = {
      latentDim: manifest.latentDim,
      sampleShape: manifest.sampleShape,
      classes: classCount,
      readFile: (name) => Promise.resolve(bytes.get(name)!),
    };
    const n = 256;
    const z = normals(42, { start: 0, count: n, dim: manifest.latentDim });
    // Class-conditional models: every class in turn.
    const classes = classCount
      ? Int32Array.from({ length: n }, (_, i) => i % classCount)
      : undefined;
    if (!hasTfjs) {
      console.log(`  '${manifest.id}' ships no TF.js export: checking that ONNX Runtime opens it`);
      const backend = await openBackend("onnx", init);
      const out = await backend.run(z, n, { classes });
      await backend.dispose();
      assert.ok(out.logits.every(Number.isFinite), "finite logits");
      return;
    }
    const reference = await cpuReference(init, z, n, classes);
    const count = 20_000, seed = 7;
    const logits: Float32Array[] = [];
    for (const name of ["onnx", "wasm"] as const) {
      const backend = await openBackend(name, init, { wasm: { wasmPaths: denoWasmPaths() } });
      try {
        // Fixed inputs for each network: G on z, D on the reference's x (feeding D each backend's
        // own x would add G's float32 differences times D's input gradient, which is steep
        // around the modes of a sharply trained D).
        const x = await backend.generate(z, n, { classes });
        const logitsOnFixedX = await discriminatorOn(name, init, reference.x, classes);
        const dx = maxAbsDiff(x, reference.x), dl = maxAbsDiff(logitsOnFixedX, reference.logits);
        console.log(
          `  ${name} vs tfjs cpu: max |dx| ${dx.toExponential(2)}, max |dlogit| ${
            dl.toExponential(2)
          } (max |logit| ${Math.max(...Array.from(reference.logits, Math.abs)).toFixed(1)})`,
        );
        assert.ok(dx <= TOLERANCE_X, `${name}: max |dx| ${dx} > ${TOLERANCE_X}`);
        // Logits: relative to their largest magnitude (float32 keeps ~7 digits of a logit of 30).
        const scale = Math.max(1, ...Array.from(reference.logits, Math.abs));
        assert.ok(
          dl <= TOLERANCE * scale,
          `${name}: max |dlogit| ${dl} > ${TOLERANCE} x ${scale.toFixed(1)}`,
        );
        logits.push(
          await proposalLogits(backend, manifest.latentDim, { seed, count, classes: classCount }),
        );
      } finally {
        await backend.dispose();
      }
    }
    const result = decisionAgreement(logits[0], logits[1], { ...manifest.drs, seed });
    console.log(
      `  DRS decisions agree on ${(result.agreement * 100).toFixed(3)}% of ${count} proposals ` +
        `(accepted ${result.acceptedA} onnx, ${result.acceptedB} wasm)`,
    );
    assert.ok(result.agreement >= 0.999, `agreement ${result.agreement} < 0.999`);
  });
}
