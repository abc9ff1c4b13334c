/**
 * Bring your own ONNX: a G/D pair written directly with onnx-proto (not by the trainer) is
 * calibrated by the CLI in a subprocess; bad graphs, bad flags and bad files are refused with
 * clear messages.
 */

import assert from "node:assert/strict";
import { isolatedTest } from "../testing/isolated.ts";
import { parseManifestText } from "../shared/manifest.ts";
import { sha256Hex } from "../shared/hash.ts";
import { normals } from "../shared/rng.ts";
import { assertAlmostEquals } from "../testing/assert.ts";
import { denseWeights, mlpOnnx, mlpReference } from "../testing/onnx_fixtures.ts";

const test = isolatedTest(import.meta.url);

const LATENT = 4;
const SAMPLES = 1000;
const G_LAYERS = [
  denseWeights({ in: LATENT, out: 16 }, { seed: 1 }),
  denseWeights({ in: 16, out: 2 }, { seed: 2 }),
];
const D_LAYERS = [
  denseWeights({ in: 2, out: 16 }, { seed: 3, scale: 2 }),
  denseWeights({ in: 16, out: 1 }, { seed: 4, scale: 2 }),
];
const CLI = new URL("../train/cli.ts", import.meta.url).pathname;

async function calibrate(args: string[], via: "file" | "task" = "file") {
  const command = via === "task"
    ? ["task", "calibrate", ...args]
    : ["run", "-A", CLI, "calibrate", ...args];
  const out = await new Deno.Command(Deno.execPath(), {
    args: command,
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

async function writePair(dir: string, pair: { g: Uint8Array; d: Uint8Array }) {
  const { g, d } = pair;
  await Deno.writeFile(`${dir}/g.onnx`, g);
  await Deno.writeFile(`${dir}/d.onnx`, d);
  return ["--generator", `${dir}/g.onnx`, "--discriminator", `${dir}/d.onnx`];
}

const goodG = () => mlpOnnx(G_LAYERS, { input: "z", output: "x" });
const goodD = (options: { head?: string[] } = {}) =>
  mlpOnnx(D_LAYERS, { input: "x", output: "logit", ...options });

test("calibrateCli() writes a valid manifest for an ONNX pair built outside the trainer", async () => {
  const dir = await Deno.makeTempDir();
  const pair = await writePair(dir, { g: goodG(), d: goodD() });
  const out = `${dir}/models/byo1`;
  const run = await calibrate(
    [
      ...pair,
      "--latent",
      `${LATENT}`,
      "--out",
      out,
      "--samples",
      `${SAMPLES}`,
      "--percentile",
      "90",
    ],
    "task",
  );
  assert.deepEqual(run.code, 0, run.stderr);
  assert.match(run.stdout, /wrote .*byo1\/1\/manifest\.json \(byo1 version 1,/);
  const manifest = parseManifestText(await Deno.readTextFile(`${out}/1/manifest.json`));
  assert.deepEqual([manifest.id, manifest.kind, manifest.sampleShape], ["byo1", "points2d", [2]]);
  assert.deepEqual([manifest.drs.percentile, manifest.drs.burnInSamples], [90, SAMPLES]);
  for (const entry of Object.values(manifest.files)) {
    const bytes = await Deno.readFile(`${out}/1/${entry.path}`);
    assert.deepEqual([entry.sha256, entry.bytes], [await sha256Hex(bytes), bytes.byteLength]);
  }
  // Independent reference: the same burn-in latents through the MLPs in float64 JS.
  const z = normals(0x5eed, { start: 0, count: SAMPLES, dim: LATENT });
  const x = mlpReference(G_LAYERS, z);
  const logits = mlpReference(D_LAYERS, Float32Array.from(x));
  assertAlmostEquals(manifest.drs.logM, Math.max(...logits), 1e-4);
  assertAlmostEquals(manifest.outputRange[0], Math.min(...x), 1e-4);
  assertAlmostEquals(manifest.outputRange[1], Math.max(...x), 1e-4);
  // Calibrating again adds version 2 beside version 1, which stays as it was.
  const before = await Deno.readTextFile(`${out}/1/manifest.json`);
  const again = await calibrate([
    ...pair,
    "--latent",
    `${LATENT}`,
    "--out",
    out,
    "--samples",
    "500",
  ]);
  assert.deepEqual(again.code, 0, again.stderr);
  assert.deepEqual(parseManifestText(await Deno.readTextFile(`${out}/2/manifest.json`)).id, "byo1");
  assert.deepEqual(await Deno.readTextFile(`${out}/1/manifest.json`), before);
  const entries = [...Deno.readDirSync(out)].map((e) => e.name).sort();
  assert.deepEqual(entries, ["1", "2"], "no staging folder is left behind");
});

test("calibrateCli() finds the roles of custom-named inputs and outputs and names them z, x, logit", async () => {
  const dir = await Deno.makeTempDir();
  const g = mlpOnnx(G_LAYERS, { input: "noise", output: "sample" });
  const d = mlpOnnx(D_LAYERS, { input: "image", output: "score" });
  const pair = await writePair(dir, { g, d });
  const args = [...pair, "--latent", `${LATENT}`, "--samples", `${SAMPLES}`, "--out", `${dir}/m`];
  const run = await calibrate(args);
  assert.equal(run.code, 0, run.stderr);
  const { openOnnxBackend } = await import("../backends/onnx_node.ts");
  const backend = await openOnnxBackend({
    latentDim: LATENT,
    sampleShape: [2],
    readFile: (name) => Deno.readFile(`${dir}/m/1/${name}`),
  });
  const z = normals(7, { start: 0, count: 3, dim: LATENT });
  const { logits } = await backend.run(z, 3);
  const expected = mlpReference(D_LAYERS, Float32Array.from(mlpReference(G_LAYERS, z)));
  logits.forEach((v, i) => assertAlmostEquals(v, expected[i], 1e-4));
  await backend.dispose();
});

test("calibrateCli() cuts a Sigmoid head, turns probabilities into log-odds with a warning", async () => {
  const dir = await Deno.makeTempDir();
  const z = normals(7, { start: 0, count: 5, dim: LATENT });
  const expected = mlpReference(D_LAYERS, Float32Array.from(mlpReference(G_LAYERS, z)));
  const { openOnnxBackend } = await import("../backends/onnx_node.ts");
  // sigmoid(y) = exp(-softplus(-y)), with no Sigmoid node: caught on a probe's values.
  for (
    const [label, head, dOutput] of [
      ["Sigmoid node", ["Sigmoid"], "sigmoid-cut"],
      ["sigmoid math", ["Neg", "Softplus", "Neg", "Exp"], "probability"],
    ] as const
  ) {
    const out = `${dir}/${dOutput}`;
    const pair = await writePair(dir, { g: goodG(), d: goodD({ head: [...head] }) });
    const run = await calibrate([...pair, "--samples", `${SAMPLES}`, "--out", out]);
    assert.equal(run.code, 0, `${label}: ${run.stderr}`);
    const manifest = parseManifestText(await Deno.readTextFile(`${out}/1/manifest.json`));
    assert.equal(manifest.import?.dOutput, dOutput, label);
    assert.equal(manifest.import?.warnings.length, dOutput === "probability" ? 1 : 0, label);
    const backend = await openOnnxBackend({
      latentDim: LATENT,
      sampleShape: [2],
      readFile: (name) => Deno.readFile(`${out}/1/${name}`),
    });
    const { logits } = await backend.run(z, 5);
    logits.forEach((v, i) => assertAlmostEquals(v, expected[i], 1e-4));
    await backend.dispose();
  }
});

test("calibrateCli() refuses wrong ranks and truncated files", async () => {
  const dir = await Deno.makeTempDir();
  const base = ["--latent", `${LATENT}`, "--samples", `${SAMPLES}`, "--out", `${dir}/m`];
  const cases: [string, Uint8Array, Uint8Array, RegExp][] = [
    [
      "rank",
      goodG(),
      mlpOnnx(D_LAYERS, { input: "x", output: "logit", inputShape: ["N", 2, 1] }),
      /input 'x' must have rank 2 and shape \[N, 2\]: got \[N, 2, 1\]/,
    ],
    ["truncated", goodG().slice(0, 150), goodD(), /g\.onnx/],
    [
      "unsupported op",
      goodG(),
      goodD({ head: ["Sin"] }),
      /d\.onnx' as it uses the ONNX op 'Sin', which the WASM path cannot run/,
    ],
  ];
  for (const [label, g, d, message] of cases) {
    const run = await calibrate([...(await writePair(dir, { g, d })), ...base]);
    assert.equal(run.code, 1, `${label}: ${run.stdout}`);
    assert.match(run.stderr, message, label);
    assert.equal(run.stderr.trim().split("\n").length, 1, `${label}: one line`);
  }
  const left = await Deno.stat(`${dir}/m`).then(() => true, () => false);
  assert.deepEqual(left, false, "refused pairs publish nothing and leave no folder");
});

test("calibrateCli() names the bad flag and exits with code 2", async () => {
  const cases: [string[], RegExp][] = [
    [["--latent", "abc"], /'--latent' as it must be an integer/],
    [[
      "--generator",
      "g",
      "--discriminator",
      "d",
      "--latent",
      "4",
      "--out",
      "o",
      "--sample-shape",
      "2,x",
    ], /'--sample-shape'/],
    [["--generator", "g", "--latent", "4", "--out", "o"], /'--discriminator' is required/],
    [["--percentile", "0.95x"], /'--percentile'/],
  ];
  for (const [args, message] of cases) {
    const run = await calibrate(args);
    assert.equal(run.code, 2, args.join(" "));
    assert.match(run.stderr, message);
    assert.ok(run.stderr.trim().split("\n").length === 1);
  }
});
