/**
 * `deno task import` on real `torch.onnx.export` outputs (tests/fixtures/torch, built by
 * make_fixtures.py with Debian's python3-torch; committed so CI needs no torch): the DCGAN of
 * pytorch/examples at 64x64 RGB (4-D z, a D ending in Sigmoid and `.view(-1, 1).squeeze(1)`),
 * a conditional pair with an nn.Embedding index input, one with a one-hot input, and a D whose
 * logit is squeezed. Each imports from its two files (plus labels when conditional), and both
 * serving runtimes give what PyTorch's own G and D gave for the same latents and classes: the
 * samples, and D's logit before its sigmoid. The 64x64 RGB import answers an n=1 PNG of 64x64
 * RGB pixels, and `class=all` for the conditional ones. Bad imports fail in one line and publish
 * nothing.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { decode } from "fast-png";
import onnxProto from "onnx-proto";
import { openBackend } from "../backends/open.ts";
import type { BackendName, ScoringBackend } from "../backends/mod.ts";
import { denoWasmPaths } from "../backends/wasm_paths.ts";
import { createApp } from "../edge/app.ts";
import { fsModelSource } from "../edge/fs_source.ts";
import { createRegistry } from "../edge/registry.ts";
import { parseManifestText } from "../shared/manifest.ts";
import { testKey } from "../testing/fake_models.ts";
import { isolatedTest } from "../testing/isolated.ts";
import { maxAbsDiff } from "../testing/parity.ts";
import { trainer } from "../testing/trainer_cli.ts";
import { importFixture, TORCH_FIXTURES } from "../testing/torch_fixtures.ts";

const test = isolatedTest(import.meta.url);

const FIXTURES = TORCH_FIXTURES;
const LABELS = "0,1,2,3,4,5,6,7,8,9";

interface Probe {
  n: number;
  z: Float32Array;
  classes: number[] | null;
  x: Float32Array;
  logits: Float32Array;
}

function f32(b64: string): Float32Array {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

async function probeOf(name: string): Promise<Probe> {
  const p = JSON.parse(await Deno.readTextFile(join(FIXTURES, `${name}.probe.json`)));
  return { n: p.n, z: f32(p.z), classes: p.classes, x: f32(p.x), logits: f32(p.logits) };
}

/** The fixtures and the flags each needs beyond its two files. */
const CASES: [string, string[], { shape: number[]; classes: number }][] = [
  ["dcgan64", [], { shape: [3, 64, 64], classes: 0 }],
  ["cond_index", ["--labels", LABELS, "--d-output", "logit"], { shape: [1, 28, 28], classes: 10 }],
  ["cond_onehot", ["--labels", LABELS, "--d-output", "logit"], { shape: [784], classes: 10 }],
  ["squeeze_d", ["--d-output", "logit"], { shape: [2], classes: 0 }],
];

test("import adapts every PyTorch fixture; onnx and wasm serve PyTorch's samples and logits (<= 1e-4)", async () => {
  const models = await Deno.makeTempDir({ prefix: "drs-import-" });
  try {
    for (const [name, extra, expect] of CASES) {
      const run = await importFixture(name, join(models, name.replace("_", "-")), extra);
      assert.equal(run.code, 0, `${name}: ${run.stderr}`);
      const dir = join(models, name.replace("_", "-"), "1");
      const manifest = parseManifestText(await Deno.readTextFile(join(dir, "manifest.json")));
      assert.deepEqual(manifest.sampleShape, expect.shape, name);
      assert.deepEqual(manifest.classes?.length ?? 0, expect.classes, name);
      assert.deepEqual(manifest.drs.classes?.length ?? 0, expect.classes, `${name}: per class`);
      assert.ok("tfjs/generator/model.json" in manifest.files, `${name}: the WASM path's files`);
      const probe = await probeOf(name);
      for (const backendName of ["onnx", "wasm"] as BackendName[]) {
        const backend = await openBackend(backendName, {
          latentDim: manifest.latentDim,
          sampleShape: manifest.sampleShape,
          classes: expect.classes,
          readFile: (file) => Deno.readFile(join(dir, manifest.files[file].path)),
        }, { wasm: { wasmPaths: denoWasmPaths() } }) as ScoringBackend;
        try {
          const classes = probe.classes ? Int32Array.from(probe.classes) : undefined;
          const x = await backend.generate(probe.z, probe.n, { classes });
          const logits = await backend.discriminate(probe.x, probe.n, { classes });
          const dx = maxAbsDiff(x, probe.x), dl = maxAbsDiff(logits, probe.logits);
          console.log(`  ${name} on ${backendName}: |x - torch| ${dx}, |logit - torch| ${dl}`);
          assert.ok(dx <= 1e-4, `${name} ${backendName}: samples differ by ${dx}`);
          assert.ok(dl <= 1e-4, `${name} ${backendName}: logits differ by ${dl}`);
        } finally {
          await backend.dispose();
        }
      }
    }
    const dcgan = parseManifestText(
      await Deno.readTextFile(join(models, "dcgan64", "1", "manifest.json")),
    );
    assert.equal(dcgan.import?.dOutput, "sigmoid-cut");
    assert.ok(dcgan.import?.adapters.some((a) => a.startsWith("Reshape of z [N, 16]")));
    await servePngs(models);
  } finally {
    await Deno.remove(models, { recursive: true });
  }
});

/** The imports through the real app on both runtimes: PNG sizes and channels, class=all. */
async function servePngs(models: string): Promise<void> {
  for (const backend of ["onnx", "wasm"] as BackendName[]) {
    const registry = createRegistry(
      fsModelSource(models),
      (init) => openBackend(backend, init, { wasm: { wasmPaths: denoWasmPaths() } }),
    );
    await registry.load();
    const app = createApp({ registry, keys: [await testKey()], limits: { concurrency: 1 } });
    try {
      assert.deepEqual(registry.errors(), [], `${backend}: every import loads`);
      const one = await app.request("/v1/models/dcgan64/samples?format=png&n=1&seed=3");
      assert.equal(one.status, 200, await one.clone().text());
      const png = decode(new Uint8Array(await one.arrayBuffer()));
      assert.deepEqual([png.width, png.height, png.channels], [64, 64, 3], backend);
      // A colour image: the three channels differ somewhere.
      let colour = false;
      for (let i = 0; i < png.data.length && !colour; i += 3) {
        colour = png.data[i] !== png.data[i + 1] || png.data[i + 1] !== png.data[i + 2];
      }
      assert.ok(colour, `${backend}: the 64x64 sample is RGB`);
      const scaled = await app.request("/v1/models/dcgan64/samples?format=png&n=1&seed=3&scale=2");
      const big = decode(new Uint8Array(await scaled.arrayBuffer()));
      assert.deepEqual([big.width, big.height], [128, 128]);
      for (const id of ["cond-index", "cond-onehot"]) {
        const all = await app.request(`/v1/models/${id}/samples?format=png&class=all&n=2&seed=5`);
        assert.equal(all.status, 200, `${id} class=all on ${backend}: ${await all.clone().text()}`);
        const json = await app.request(`/v1/models/${id}/samples?class=3&n=2&seed=5`);
        const body = await json.json();
        assert.equal(json.status, 200, JSON.stringify(body));
      }
    } finally {
      await registry.dispose();
    }
  }
}

test("import refuses bad pairs in one line naming the file and publishes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drs-import-bad-" });
  try {
    const f = (name: string) => join(FIXTURES, name);
    const cases: [string, string[], RegExp][] = [
      [
        "G's output does not match D's input",
        ["--generator", f("dcgan64_g.onnx"), "--discriminator", f("squeeze_d_d.onnx")],
        /squeeze_d_d\.onnx.*input 'x' must have rank 4 and shape \[N, 3, 64, 64\]: got \[N, 2\]/,
      ],
      [
        "conditional without labels",
        ["--generator", f("cond_index_g.onnx"), "--discriminator", f("cond_index_d.onnx")],
        /takes a class input: give its labels with --labels/,
      ],
      [
        "only one of the pair is conditional",
        ["--generator", f("squeeze_d_g.onnx"), "--discriminator", f("cond_onehot_d.onnx")],
        /only the discriminator takes a class input/,
      ],
      [
        "a latent that is not G's",
        [
          "--generator",
          f("squeeze_d_g.onnx"),
          "--discriminator",
          f("squeeze_d_d.onnx"),
          "--latent",
          "9",
        ],
        /'--latent' 9 as .*squeeze_d_g\.onnx' takes a latent of 8 values/,
      ],
    ];
    // Two float inputs of one shape and names that tell nothing; a D with two outputs.
    const edit = async (
      file: string,
      out: string,
      change: (g: onnxProto.onnx.IGraphProto) => void,
    ) => {
      const model = onnxProto.onnx.ModelProto.decode(await Deno.readFile(f(file)));
      change(model.graph!);
      await Deno.writeFile(join(dir, out), onnxProto.onnx.ModelProto.encode(model).finish());
    };
    await edit("cond_onehot_g.onnx", "anon_g.onnx", (g) => {
      const names: Record<string, string> = { z: "a", c: "b" };
      for (const v of g.input!) v.name = names[v.name!] ?? v.name;
      for (const n of g.node!) n.input = n.input!.map((i: string) => names[i] ?? i);
    });
    await edit("squeeze_d_d.onnx", "two_d.onnx", (g) => {
      g.output!.push({ ...g.output![0], name: g.node![0].output![0] });
    });
    cases.push(
      [
        "inputs whose roles cannot be told",
        [
          "--generator",
          join(dir, "anon_g.onnx"),
          "--discriminator",
          f("cond_onehot_d.onnx"),
          "--labels",
          LABELS,
        ],
        /anon_g\.onnx' as the roles of its inputs 'a' float \[N,10\] and 'b' float \[N,10\] cannot be told: name them with --input-names/,
      ],
      [
        "a D with several outputs",
        ["--generator", f("squeeze_d_g.onnx"), "--discriminator", join(dir, "two_d.onnx")],
        /two_d\.onnx' as the discriminator has 2 outputs/,
      ],
    );
    for (const [label, args, message] of cases) {
      const run = await trainer(["import", ...args, "--out", join(dir, "m"), "--samples", "200"]);
      assert.equal(run.code, 1, `${label}: ${run.stdout}`);
      const lines = run.stderr.trim().split("\n").filter((l) => !l.startsWith("npm warn"));
      assert.equal(lines.length, 1, `${label}: ${run.stderr}`);
      assert.match(lines[0], message, label);
    }
    assert.equal(await Deno.stat(join(dir, "m")).then(() => true, () => false), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
