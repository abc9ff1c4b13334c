import assert from "node:assert/strict";
import {
  type Manifest,
  MANIFEST_VERSION,
  ManifestError,
  parseManifest,
  parseManifestText,
} from "./manifest.ts";

const SOURCE = "models/grid25/manifest.json";
const HASH_G = "a".repeat(64);
const HASH_D = "0123456789abcdef".repeat(4);

/** A complete, valid manifest (a fresh copy each call, so cases can break it freely). */
function validManifest(): Record<string, unknown> {
  return {
    id: "grid25",
    version: 1,
    kind: "points2d",
    description: "5x5 grid of Gaussians",
    latentDim: 2,
    sampleShape: [2],
    outputRange: [-3, 3],
    drs: {
      logM: 4.25,
      gamma: 2.5,
      epsilon: 1e-6,
      percentile: 95,
      burnInSamples: 10000,
      expectedAcceptance: 0.12,
      fQuantiles: Array.from({ length: 101 }, (_, k) => -10 + k * 0.2),
    },
    files: {
      "generator.onnx": { path: "generator.onnx", sha256: HASH_G, bytes: 12345 },
      "discriminator.onnx": { path: "onnx/discriminator.onnx", sha256: HASH_D, bytes: 0 },
    },
    metrics: { samples: 10000, raw: { highQuality: 0.8 }, drs: { highQuality: 0.95 }, extra: 1 },
    training: {
      config: { lr: 1e-4 },
      steps: 20000,
      dSteps: 500,
      seconds: 321.5,
      seed: 0,
      backend: "tfjs-wasm",
      note: "catchall keeps this",
    },
    createdAt: "2026-11-23T00:00:00Z",
  };
}

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test("parseManifest() accepts a valid manifest and returns it unchanged", () => {
  const json = validManifest();
  const manifest: Manifest = parseManifest(json, { source: SOURCE });
  assert.deepEqual(manifest as unknown, json);
  assert.equal(MANIFEST_VERSION, 1);
  // Optional blocks may be left out.
  const minimal: Json = validManifest();
  delete minimal.description;
  delete minimal.metrics;
  delete minimal.training;
  delete minimal.createdAt;
  assert.deepEqual(parseManifest(minimal) as unknown, minimal);
  // The image kind and extra model files are fine too.
  const image: Json = validManifest();
  image.kind = "image";
  image.sampleShape = [28, 28, 1];
  image.files["calibration.json"] = { path: "calibration.json", sha256: HASH_G, bytes: 3 };
  assert.equal(parseManifest(image).kind, "image");
  // A calibrator block is kept as given.
  const calibrated: Json = validManifest();
  calibrated.calibrator = { kind: "platt", a: 0.8, b: -0.1 };
  assert.deepEqual(parseManifest(calibrated).calibrator, { kind: "platt", a: 0.8, b: -0.1 });
});

Deno.test("parseManifestText() parses manifest JSON text", () => {
  const json = validManifest();
  assert.deepEqual(parseManifestText(JSON.stringify(json, null, 2)) as unknown, json);
});

/** Each case breaks one field of a valid manifest; `field` is the dotted path to report. */
const BROKEN: { name: string; field: string; edit: (m: Json) => void }[] = [
  { name: "missing drs.gamma", field: "drs.gamma", edit: (m) => delete m.drs.gamma },
  { name: "drs.gamma as a string", field: "drs.gamma", edit: (m) => (m.drs.gamma = "2.5") },
  { name: "drs.gamma NaN", field: "drs.gamma", edit: (m) => (m.drs.gamma = NaN) },
  { name: "drs.logM Infinity", field: "drs.logM", edit: (m) => (m.drs.logM = Infinity) },
  {
    name: "fQuantiles of length 100",
    field: "drs.fQuantiles",
    edit: (m) => m.drs.fQuantiles.pop(),
  },
  {
    name: "fQuantiles of length 102",
    field: "drs.fQuantiles",
    edit: (m) => m.drs.fQuantiles.push(99),
  },
  {
    name: "decreasing fQuantiles",
    field: "drs.fQuantiles",
    edit: (m) => (m.drs.fQuantiles[50] = m.drs.fQuantiles[49] - 1e-9),
  },
  {
    name: "a non-finite fQuantile",
    field: "drs.fQuantiles.100",
    edit: (m) => (m.drs.fQuantiles[100] = Infinity),
  },
  { name: "epsilon 0", field: "drs.epsilon", edit: (m) => (m.drs.epsilon = 0) },
  { name: "percentile 101", field: "drs.percentile", edit: (m) => (m.drs.percentile = 101) },
  {
    name: "expectedAcceptance 0",
    field: "drs.expectedAcceptance",
    edit: (m) => (m.drs.expectedAcceptance = 0),
  },
  {
    name: "burnInSamples fractional",
    field: "drs.burnInSamples",
    edit: (m) => (m.drs.burnInSamples = 10.5),
  },
  {
    name: "uppercase sha256",
    field: "files.generator.onnx.sha256",
    edit: (m) => (m.files["generator.onnx"].sha256 = HASH_D.toUpperCase()),
  },
  {
    name: "short sha256",
    field: "files.discriminator.onnx.sha256",
    edit: (m) => (m.files["discriminator.onnx"].sha256 = HASH_D.slice(1)),
  },
  {
    name: "path with '..'",
    field: "files.generator.onnx.path",
    edit: (m) => (m.files["generator.onnx"].path = "../other/generator.onnx"),
  },
  {
    name: "path with '..' inside",
    field: "files.generator.onnx.path",
    edit: (m) => (m.files["generator.onnx"].path = "onnx/../../generator.onnx"),
  },
  {
    name: "absolute path",
    field: "files.discriminator.onnx.path",
    edit: (m) => (m.files["discriminator.onnx"].path = "/etc/passwd"),
  },
  {
    name: "empty path",
    field: "files.discriminator.onnx.path",
    edit: (m) => (m.files["discriminator.onnx"].path = ""),
  },
  {
    name: "negative bytes",
    field: "files.generator.onnx.bytes",
    edit: (m) => (m.files["generator.onnx"].bytes = -1),
  },
  { name: "unknown kind", field: "kind", edit: (m) => (m.kind = "audio") },
  { name: "bad id (uppercase)", field: "id", edit: (m) => (m.id = "Grid25") },
  { name: "bad id (slash)", field: "id", edit: (m) => (m.id = "grid/25") },
  { name: "bad id (too long)", field: "id", edit: (m) => (m.id = "g".repeat(65)) },
  { name: "missing generator.onnx", field: "files", edit: (m) => delete m.files["generator.onnx"] },
  {
    name: "missing discriminator.onnx",
    field: "files",
    edit: (m) => delete m.files["discriminator.onnx"],
  },
  { name: "version 2", field: "version", edit: (m) => (m.version = 2) },
  { name: "latentDim 0", field: "latentDim", edit: (m) => (m.latentDim = 0) },
  { name: "empty sampleShape", field: "sampleShape", edit: (m) => (m.sampleShape = []) },
  { name: "outputRange of 3", field: "outputRange", edit: (m) => m.outputRange.push(1) },
  { name: "metrics.samples 0", field: "metrics.samples", edit: (m) => (m.metrics.samples = 0) },
  {
    name: "calibrator with a negative slope",
    field: "calibrator.a",
    edit: (m) => (m.calibrator = { kind: "platt", a: -1, b: 0 }),
  },
  {
    name: "training.seed negative",
    field: "training.seed",
    edit: (m) => (m.training.seed = -1),
  },
];

Deno.test("parseManifest() rejects each broken manifest with a ManifestError naming the field", () => {
  assert.ok(BROKEN.length >= 20);
  for (const { name, field, edit } of BROKEN) {
    const json = validManifest();
    edit(json);
    assert.throws(() => parseManifest(json, { source: SOURCE }), (error) => {
      assert.ok(error instanceof ManifestError);
      assert.ok(
        error.message.includes(`Cannot load manifest '${SOURCE}' as '${field}' is invalid: `),
        error.message,
      );
      assert.equal(error.field, field, name);
      assert.equal(error.name, "ManifestError");
      assert.ok(error instanceof Error);
      return true;
    });
  }
});

Deno.test("parseManifest() error messages carry the schema's explanation", () => {
  const cases: [(m: Json) => void, string][] = [
    [(m) => m.drs.fQuantiles.pop(), "'drs.fQuantiles' is invalid"],
    [(m) => m.drs.fQuantiles.reverse(), "expected 101 non-decreasing values (q = 0..100)"],
    [(m) => (m.files["generator.onnx"].path = "a/../b"), "expected a relative path inside"],
    [(m) => (m.files["generator.onnx"].sha256 = "xyz"), "expected 64 lowercase hex characters"],
    [(m) => (m.id = "-x"), "expected a lowercase slug like 'grid25'"],
    [
      (m) => delete m.files["generator.onnx"],
      "expected at least 'generator.onnx' and 'discriminator.onnx'",
    ],
  ];
  for (const [edit, text] of cases) {
    const json = validManifest();
    edit(json);
    assert.throws(() => parseManifest(json), {
      name: "ManifestError",
      message: new RegExp(RegExp.escape(text)),
    });
  }
});

Deno.test("parseManifest() leaves the source out of the message when none is given", () => {
  const json = validManifest();
  (json as Json).drs.gamma = "x";
  assert.throws(() => parseManifest(json), {
    name: "ManifestError",
    message: /^Cannot load manifest as 'drs\.gamma' is invalid: /,
  });
});

Deno.test("parseManifest() reports '(root)' for a value that is not an object", () => {
  for (const json of [null, [], "manifest", 42]) {
    assert.throws(() => parseManifest(json), (error) => {
      assert.ok(error instanceof ManifestError);
      assert.match(error.message, /'\(root\)' is invalid/);
      assert.equal(error.field, "(root)");
      return true;
    });
  }
});

Deno.test("parseManifestText() gives a clear ManifestError for invalid JSON", () => {
  for (const text of ["", "{", "{'id': 'grid25'}", '{"id": "grid25",}', "NaN"]) {
    assert.throws(() => parseManifestText(text, { source: SOURCE }), (error) => {
      assert.ok(error instanceof ManifestError);
      assert.ok(
        error.message.includes(`Cannot load manifest '${SOURCE}' as it is not valid JSON: `),
        error.message,
      );
      assert.equal(error.field, "(root)");
      return true;
    });
  }
  // Valid JSON that is not a valid manifest goes through the schema and names the field.
  const json: Json = validManifest();
  json.kind = "video";
  assert.throws(() => parseManifestText(JSON.stringify(json), { source: SOURCE }), (error) => {
    assert.ok(error instanceof ManifestError);
    assert.ok(
      error.message.includes(`Cannot load manifest '${SOURCE}' as 'kind' is invalid`),
      error.message,
    );
    assert.equal(error.field, "kind");
    return true;
  });
});

Deno.test("parseManifest() bounds what a manifest may make a server allocate", () => {
  const base = validManifest();
  for (
    const [field, value] of [
      ["latentDim", 1 << 20],
      ["sampleShape", [1 << 13, 1 << 13, 3]],
      ["sampleShape", [1, 1, 1, 1, 1]],
    ] as const
  ) {
    assert.throws(() => parseManifest({ ...base, [field]: value }), ManifestError, field);
  }
});
