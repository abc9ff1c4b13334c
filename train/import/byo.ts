/**
 * Bring your own ONNX: calibrate DRS for a G/D pair trained elsewhere. Checks both graphs,
 * runs the burn-in with ONNX Runtime through {@linkcode calibrateBackend} (the same function
 * that calibrates trained models), copies the files (plus a fused `sampler.onnx`) and writes a
 * validated manifest.
 *
 * @module
 */

import type { Backend } from "../../backends/mod.ts";
import { openOnnxBackend } from "../../backends/onnx_node.ts";
import { checkGraph, GRAPH_NAMES, pairExpectations } from "../../backends/graph_check.ts";
import { type Manifest, MANIFEST_VERSION, parseManifest } from "../../shared/manifest.ts";
import { calibrateBackend } from "../calibrate.ts";
import { fileEntry, fuseOnnxPair } from "../export/mod.ts";
import {
  decodeOnnx,
  encodeOnnx,
  graphIo,
  producerOf,
  renameValues,
  staticDims,
} from "./_byo_graph.ts";

/** Options for {@linkcode calibrateOnnxPair}. */
export interface CalibrateOnnxPairOptions {
  /** Path of the generator ONNX file: `// [N, latentDim] -> [N, ...sampleShape]`. */
  generator: string;
  /** Path of the discriminator ONNX file: `// [N, ...sampleShape] -> [N, 1]` logits. */
  discriminator: string;
  /** Latent dimension of the generator's input `// [N, latentDim]`. */
  latentDim: number;
  /** Model folder to write (created if missing). */
  out: string;
  /** Sample shape. @default {inferred from the generator's output} */
  sampleShape?: number[];
  /** Manifest id. @default {the folder name of `out`} */
  id?: string;
  /** Percentile of F taken as gamma. @default {95} */
  percentile?: number;
  /** Burn-in size. @default {10000} */
  samples?: number;
  /** Value range of samples. @default {[-1, 1] for images, burn-in min/max for points} */
  outputRange?: [number, number];
  /**
   * Names the files use, when not the standard ones; they are renamed to `z`, `x`, `x`,
   * `logit` in the copies. @default {{ generatorInput: "z", generatorOutput: "x",
   * discriminatorInput: "x", discriminatorOutput: "logit" }}
   */
  names?: Partial<
    Record<
      "generatorInput" | "generatorOutput" | "discriminatorInput" | "discriminatorOutput",
      string
    >
  >;
  /** Free text for the manifest. @default {"Bring-your-own ONNX pair"} */
  description?: string;
}

async function readModel(path: string, role: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    throw new Error(`Cannot read the ${role} '${path}': ${(error as Error).message}`);
  }
}

/** Reads and decodes one file, renaming its values to the standard names when asked. */
async function prepare(
  path: string,
  options: { role: string; rename: Record<string, string | undefined> },
) {
  const bytes = await readModel(path, options.role);
  const model = decodeOnnx(bytes, path);
  const names = Object.fromEntries(
    Object.entries(options.rename).filter((e): e is [string, string] =>
      e[1] !== undefined && e[0] !== e[1]
    ),
  );
  if (Object.keys(names).length === 0) return { model, bytes };
  renameValues(model, names, { file: path });
  return { model, bytes: encodeOnnx(model) };
}

function inferSampleShape(file: string, g: ReturnType<typeof graphIo>): number[] {
  const dims = g.outputs.length === 1 ? staticDims(g.outputs[0]) : undefined;
  if (!dims) {
    throw new RangeError(
      `Cannot infer the sample shape from '${file}' as its output has no fixed non-batch ` +
        `dims: pass --sample-shape (e.g. 28,28,1)`,
    );
  }
  return dims;
}

/** Wraps a backend to record the min and max of every generated value. */
function trackRange(backend: Backend, range: { min: number; max: number }): Backend {
  return {
    ...backend,
    async run(z, n) {
      const out = await backend.run(z, n);
      for (const v of out.x) {
        if (v < range.min) range.min = v;
        if (v > range.max) range.max = v;
      }
      return out;
    },
  };
}

/** Validates, calibrates and writes `out/{generator.onnx, discriminator.onnx, manifest.json}`. */
export async function calibrateOnnxPair(options: CalibrateOnnxPairOptions): Promise<Manifest> {
  const names = options.names ?? {};
  const g = await prepare(options.generator, {
    role: "generator",
    rename: {
      [names.generatorInput ?? GRAPH_NAMES.latent]: GRAPH_NAMES.latent,
      [names.generatorOutput ?? GRAPH_NAMES.sample]: GRAPH_NAMES.sample,
    },
  });
  const d = await prepare(options.discriminator, {
    role: "discriminator",
    rename: {
      [names.discriminatorInput ?? GRAPH_NAMES.sample]: GRAPH_NAMES.sample,
      [names.discriminatorOutput ?? GRAPH_NAMES.logit]: GRAPH_NAMES.logit,
    },
  });
  const gIo = graphIo(g.model), dIo = graphIo(d.model);
  const sampleShape = options.sampleShape ?? inferSampleShape(options.generator, gIo);
  const expect = pairExpectations({ latentDim: options.latentDim, sampleShape }, {
    generator: options.generator,
    discriminator: options.discriminator,
  });
  checkGraph(gIo, expect.generator);
  checkGraph(dIo, expect.discriminator);
  const head = producerOf(d.model, GRAPH_NAMES.logit);
  if (head === "Sigmoid") {
    throw new RangeError(
      `Cannot calibrate '${options.discriminator}' as its output comes from a Sigmoid node: it ` +
        `returns probabilities in [0, 1]; export the pre-sigmoid logit instead`,
    );
  }
  const files: Record<string, Uint8Array> = {
    "generator.onnx": g.bytes,
    "discriminator.onnx": d.bytes,
    "sampler.onnx": fuseOnnxPair(g.bytes, d.bytes),
  };
  const backend = await openOnnxBackend({
    latentDim: options.latentDim,
    sampleShape,
    readFile: (name) => Promise.resolve(files[name]),
  });
  const range = { min: Infinity, max: -Infinity };
  let drs;
  try {
    drs = await calibrateBackend(trackRange(backend, range), options.latentDim, {
      samples: options.samples,
      percentile: options.percentile,
    });
  } finally {
    await backend.dispose();
  }
  const points = sampleShape.length === 1 && sampleShape[0] === 2;
  const id = options.id ?? options.out.replace(/\/+$/, "").split("/").pop()!;
  const manifest = parseManifest({
    id,
    version: MANIFEST_VERSION,
    kind: points ? "points2d" : "image",
    description: options.description ?? "Bring-your-own ONNX pair",
    latentDim: options.latentDim,
    sampleShape,
    outputRange: options.outputRange ?? (points ? [range.min, range.max] : [-1, 1]),
    drs,
    files: Object.fromEntries(
      await Promise.all(
        Object.entries(files).map(async ([name, bytes]) => [name, await fileEntry(name, bytes)]),
      ),
    ),
    createdAt: new Date().toISOString(),
  }, { source: `${options.out}/manifest.json` });
  await Deno.mkdir(options.out, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) {
    await Deno.writeFile(`${options.out}/${name}`, bytes);
  }
  await Deno.writeTextFile(
    `${options.out}/manifest.json`,
    JSON.stringify(manifest, null, 2) + "\n",
  );
  return manifest;
}
