/**
 * In-memory model folders with real manifests (hashes, DRS constants calibrated on the fake
 * backends) for unit tests of the registry and the app.
 *
 * @module
 */

import { calibrateDrs } from "../shared/calibration.ts";
import { sha256Hex } from "../shared/hash.ts";
import { importSigningKey, type SigningKey } from "../shared/signing.ts";
import { normals } from "../shared/rng.ts";
import type { Manifest } from "../shared/manifest.ts";
import { versionFoldersOfPaths } from "../shared/model_versions.ts";
import type { BackendOpener, ModelSource } from "../edge/registry.ts";
import {
  type FakeBackend,
  fakeConditionalBackend,
  fakeGridBackend,
  fakeImageBackend,
} from "./fake_backends.ts";

/** Files of one model folder by path. */
export type ModelFiles = Map<string, Uint8Array>;

const encoder = new TextEncoder();

/** Options for {@linkcode fakeModelFiles}. */
export interface FakeModelOptions {
  /** Labels of a class-conditional image model (its backend: `fakeConditionalBackend`). */
  classes?: readonly string[];
}

/** A model folder for the fake `kind` backend: manifest.json plus two weight files. */
export async function fakeModelFiles(
  id: string,
  kind: "points2d" | "image",
  options: FakeModelOptions = {},
): Promise<ModelFiles> {
  const labels = options.classes;
  const backend = kind === "points2d"
    ? fakeGridBackend()
    : labels
    ? fakeConditionalBackend(labels.length)
    : fakeImageBackend();
  const latentDim = kind === "points2d" ? 3 : 4;
  const burnIn = 4000;
  const z = normals(424242, { start: 0, count: burnIn, dim: latentDim });
  const burnInOf = async (classes?: Int32Array) =>
    calibrateDrs((await backend.run(z, burnIn, { classes })).logits, { percentile: 80 });
  const drs = labels
    ? {
      ...await burnInOf(Int32Array.from({ length: burnIn }, (_, i) => i % labels.length)),
      classes: await Promise.all(labels.map(async (_, c) => {
        const { epsilon: _e, percentile: _p, ...lane } = await burnInOf(
          new Int32Array(burnIn).fill(c),
        );
        return lane;
      })),
    }
    : await burnInOf();
  const weights: Record<string, Uint8Array> = {
    "generator.onnx": encoder.encode(`fake generator of ${id}`),
    "discriminator.onnx": encoder.encode(`fake discriminator of ${id}`),
  };
  const files: Manifest["files"] = {};
  for (const [name, bytes] of Object.entries(weights)) {
    files[name] = { path: name, sha256: await sha256Hex(bytes), bytes: bytes.byteLength };
  }
  const manifest: Manifest = {
    id,
    version: 1,
    kind,
    latentDim,
    sampleShape: kind === "points2d" ? [2] : [4, 4, 1],
    outputRange: kind === "points2d" ? [-5, 5] : [-1, 1],
    ...(labels ? { classes: [...labels] } : {}),
    drs,
    files,
    metrics: { samples: 1000, raw: { highQuality: 0.3 }, drs: { highQuality: 0.6 } },
  };
  const out: ModelFiles = new Map(Object.entries(weights));
  out.set("manifest.json", encoder.encode(JSON.stringify(manifest)));
  return out;
}

/**
 * A {@linkcode ModelSource} over in-memory folders (read at each call, so a test may add or
 * change files between loads); paths `2/manifest.json` and so on are version folders.
 */
export function memorySource(models: Record<string, ModelFiles>): ModelSource {
  return {
    list: () => Promise.resolve(Object.keys(models)),
    versions: (id) => Promise.resolve(versionFoldersOfPaths(id, models[id]?.keys() ?? [])),
    read(id, path) {
      const bytes = models[id]?.get(path);
      if (!bytes) return Promise.reject(new Error(`No such file: ${id}/${path}`));
      return Promise.resolve(bytes);
    },
  };
}

/** Opens fake backends by manifest kind, and remembers them for assertions. */
export function fakeOpener(opened: FakeBackend[] = []): BackendOpener {
  return async (init, manifest) => {
    await init.readFile("generator.onnx");
    await init.readFile("discriminator.onnx");
    const backend = manifest.kind === "points2d"
      ? fakeGridBackend()
      : manifest.classes
      ? fakeConditionalBackend(manifest.classes.length)
      : fakeImageBackend();
    opened.push(backend);
    return backend;
  };
}

/** A fixed test signing key (never used outside tests). */
export function testKey(id = "k1"): Promise<SigningKey> {
  return importSigningKey(id, `test-secret-${id}-0123456789abcdefghijklmnop`);
}
