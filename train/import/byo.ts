/**
 * Bring your own GAN: a G/D pair exported to ONNX elsewhere (usually `torch.onnx.export`)
 * joins the training pipeline after its export stage. Both graphs are read and adapted to the
 * serving contract (`adapt.ts`: 4-D latents, class inputs, D's sigmoid and squeeze tails),
 * checked against each other, fused into `sampler.onnx` when ONNX Runtime accepts the fusion,
 * converted for the WASM path (`to_tfjs.ts`, parity checked against ONNX Runtime), calibrated
 * through the sampling core on the serving runtime (per class when conditional) and, with a
 * dataset and its classifier, evaluated like a trained model.
 *
 * @module
 */

import { basename } from "node:path";
import { openOnnxBackend, probeGeneratorShape } from "../../backends/onnx_node.ts";
import { checkGraph, pairExpectations } from "../../backends/graph_check.ts";
import type { LatentPrior } from "../../shared/latent_prior.ts";
import { type Manifest, MANIFEST_VERSION, parseManifest } from "../../shared/manifest.ts";
import { drawLatents } from "../../shared/latent_prior.ts";
import { calibrateModel } from "../calibrate.ts";
import { fileEntry, fuseOnnxPair, tfjsModelFiles } from "../export/mod.ts";
import { setupTf } from "../tf_setup.ts";
import { decodeOnnx, encodeOnnx, graphIo } from "./_byo_graph.ts";
import { probeClasses, rangeOf, trackRange, wasmParity } from "./_checks.ts";
import { type AdaptNames, adaptPair, appendLogOdds } from "./adapt.ts";
import { evaluateImport } from "./evaluate.ts";
import { tfjsModelOf, unsupportedOps } from "./to_tfjs.ts";

/** Options for {@linkcode calibrateOnnxPair}. */
export interface CalibrateOnnxPairOptions {
  /** Path of the generator ONNX file. */
  generator: string;
  /** Path of the discriminator ONNX file. */
  discriminator: string;
  /** Latent size; checked against G's latent input. @default {from the graph} */
  latentDim?: number;
  /** Model folder to write (created if missing). */
  out: string;
  /** Sample shape. @default {G's output shape} */
  sampleShape?: number[];
  /** Manifest id. @default {the folder name of `out`} */
  id?: string;
  /** Percentile of F taken as gamma. @default {95} */
  percentile?: number;
  /** Burn-in size (per class when conditional). @default {10000} */
  samples?: number;
  /** Value range of samples. @default {[0, 1] when a probe batch lies in it, else [-1, 1] (images) or the burn-in's (points)} */
  outputRange?: [number, number];
  /** Input names where the graphs cannot tell the roles. @default {found from the graphs} */
  names?: AdaptNames;
  /** Class labels of a conditional pair, in index order. */
  labels?: string[];
  /** What D returns: `auto` reads a burn-in (all values in [0, 1]: probabilities). @default {"auto"} */
  dOutput?: "auto" | "logit" | "probability";
  /** The prior G was trained with. @default {{ kind: "normal" }} */
  latentPrior?: LatentPrior;
  /** A dataset of the trainer (mnist, fashion) and its classifier: evaluate raw G and DRS on it. */
  evaluation?: { dataset: string; classifier: string; perClass?: number };
  /** Free text for the manifest. @default {"Imported ONNX pair (<files>)"} */
  description?: string;
  /** @default {console.log} */
  log?: (line: string) => void;
}

async function readModel(path: string, role: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    throw new Error(`Cannot read the ${role} '${path}': ${(error as Error).message}`);
  }
}

/** Imports, adapts, checks, converts and calibrates the pair into `options.out`; returns its manifest. */
export async function calibrateOnnxPair(options: CalibrateOnnxPairOptions): Promise<Manifest> {
  const log = options.log ?? console.log;
  const files = { generator: options.generator, discriminator: options.discriminator };
  const g = decodeOnnx(await readModel(files.generator, "generator"), files.generator);
  const d = decodeOnnx(await readModel(files.discriminator, "discriminator"), files.discriminator);
  const classes = options.labels?.length ?? 0;
  const adapted = adaptPair(g, d, { files, classes: classes || undefined, names: options.names });
  if (adapted.conditional && !classes) {
    throw new RangeError(
      `Cannot import the pair as it takes a class input: give its labels with --labels ` +
        `(e.g. 0,1,2,...) or --labels-file`,
    );
  }
  if (!adapted.conditional && classes) {
    throw new RangeError(
      `Cannot use --labels as '${files.generator}' takes no class input`,
    );
  }
  if (options.latentDim !== undefined && options.latentDim !== adapted.latentDim) {
    throw new RangeError(
      `Cannot use '--latent' ${options.latentDim} as '${files.generator}' takes a latent of ` +
        `${adapted.latentDim} values`,
    );
  }
  for (const [file, model] of [[files.generator, g], [files.discriminator, d]] as const) {
    const missing = unsupportedOps(model);
    if (missing.length) {
      throw new RangeError(
        `Cannot import '${file}' as it uses the ONNX op${missing.length > 1 ? "s" : ""} ` +
          `${missing.map((o) => `'${o}'`).join(", ")}, which the WASM path cannot run`,
      );
    }
  }
  // A shape the export left dynamic (a `.view(-1, ...)`) is read off one run of G.
  const sampleShape = options.sampleShape ?? adapted.sampleShape ??
    await probeGeneratorShape(encodeOnnx(g), { latentDim: adapted.latentDim, classes }).catch(
      (error) => {
        throw new RangeError(
          `Cannot infer the sample shape of '${files.generator}' as a probe run failed ` +
            `(${(error as Error).message.split("\n")[0]}): pass --sample-shape (e.g. 3,64,64)`,
        );
      },
    );
  const latentDim = adapted.latentDim;
  const expect = pairExpectations({ latentDim, sampleShape, classes }, files);
  checkGraph(graphIo(g), expect.generator);
  checkGraph(graphIo(d), expect.discriminator);
  const warnings: string[] = [], adapters = [...adapted.adapters];
  const prior = options.latentPrior ?? { kind: "normal" };

  // D's output: logits, or probabilities to turn into logits.
  let bytes = { g: encodeOnnx(g), d: encodeOnnx(d) };
  const open = (withSampler: Uint8Array | undefined) =>
    openOnnxBackend({
      latentDim,
      sampleShape,
      classes,
      readFile: (name) => {
        const f = { "generator.onnx": bytes.g, "discriminator.onnx": bytes.d }[name] ??
          (name === "sampler.onnx" ? withSampler : undefined);
        return f ? Promise.resolve(f) : Promise.reject(new Error(`no ${name}`));
      },
    });
  const probeN = 256;
  const probeZ = drawLatents(0x1dea, { start: 0, count: probeN, dim: latentDim }, prior);
  const probeY = probeClasses(probeN, classes);
  let onnx = await open(undefined);
  let probe;
  try {
    probe = await onnx.run(probeZ, probeN, { classes: probeY });
  } finally {
    await onnx.dispose();
  }
  const [lo, hi] = rangeOf(probe.logits);
  const probabilities = options.dOutput === "probability" ||
    (options.dOutput !== "logit" && !adapted.sigmoidCut && lo >= 0 && hi <= 1);
  if (probabilities) {
    appendLogOdds(d);
    bytes = { ...bytes, d: encodeOnnx(d) };
    adapters.push("log(p) - log(1 - p) of D's output (p clipped to [1e-7, 1 - 1e-7])");
    warnings.push(
      "D returns probabilities and has no Sigmoid to cut: its logit is the log-odds of its " +
        "output, which saturates near p = 1 in float32; export the pre-sigmoid logit instead",
    );
  }
  const outputRange: [number, number] = options.outputRange ?? (() => {
    const [xlo, xhi] = rangeOf(probe.x);
    return (xlo >= 0 && xhi <= 1 ? [0, 1] : [-1, 1]) as [number, number];
  })();

  // The fused sampler, when ONNX Runtime accepts it.
  let sampler: Uint8Array | undefined;
  try {
    sampler = fuseOnnxPair(bytes.g, bytes.d);
    await (await open(sampler)).dispose();
  } catch (error) {
    sampler = undefined;
    warnings.push(
      `no fused sampler.onnx (${(error as Error).message.split("\n")[0].slice(0, 160)}): ` +
        "G and D run as two sessions",
    );
  }

  // The WASM path: both graphs as TF.js layers models, checked against ONNX Runtime.
  await setupTf("wasm");
  const tfjs: Record<string, Uint8Array> = {};
  for (
    const [role, model, main, out] of [
      ["generator", g, [latentDim], sampleShape],
      ["discriminator", d, sampleShape, [1]],
    ] as const
  ) {
    const built = tfjsModelOf(model, {
      file: files[role],
      name: role,
      mainShape: [...main],
      outputShape: [...out],
    });
    const saved = await tfjsModelFiles(built);
    built.dispose();
    tfjs[`tfjs/${role}/model.json`] = saved.modelJson;
    tfjs[`tfjs/${role}/weights.bin`] = saved.weights;
  }
  const written: Record<string, Uint8Array> = {
    "generator.onnx": bytes.g,
    "discriminator.onnx": bytes.d,
    ...(sampler ? { "sampler.onnx": sampler } : {}),
    ...tfjs,
  };
  const init = {
    latentDim,
    sampleShape,
    classes,
    readFile: (n: string) => Promise.resolve(written[n]),
  };
  const parity = await wasmParity(init, {
    z: probeZ.subarray(0, 8 * latentDim),
    classes: probeY?.subarray(0, 8),
  });
  if (!(parity <= 1e-4)) {
    throw new RangeError(
      `Cannot import the pair as its WASM conversion differs from ONNX Runtime by ${parity} ` +
        "(expected at most 1e-4): please report the graphs",
    );
  }
  log(`WASM path: max |difference| to ONNX Runtime ${parity.toExponential(2)} on 8 proposals`);

  // Calibration on the serving runtime, through the sampling core.
  onnx = await open(sampler);
  let drs, evaluation;
  const points = sampleShape.length === 1 && sampleShape[0] === 2;
  const burnRange = { min: Infinity, max: -Infinity };
  try {
    const scored = points ? trackRange(onnx, burnRange) : onnx;
    drs = await calibrateModel(scored, { latentDim, classes, latentPrior: prior }, {
      samples: options.samples,
      percentile: options.percentile,
      checkLogits: false, // the probe decided what D returns
    });
    await Deno.mkdir(options.out, { recursive: true });
    if (options.evaluation) {
      evaluation = await evaluateImport(
        { backend: onnx, latentDim, sampleShape, classes, drs, latentPrior: prior, outputRange },
        { ...options.evaluation, out: options.out },
      );
      for (const line of evaluation.log) log(line);
    }
  } finally {
    await onnx.dispose();
  }
  // Points are plotted over the burn-in's range; images keep the probe's.
  if (points && !options.outputRange) outputRange.splice(0, 2, burnRange.min, burnRange.max);
  const id = options.id ?? options.out.replace(/\/+$/, "").split("/").pop()!;
  const entries = Object.fromEntries(
    await Promise.all(
      Object.entries(written).map(async ([name, b]) => [name, await fileEntry(name, b)]),
    ),
  );
  const manifest = parseManifest({
    id,
    version: MANIFEST_VERSION,
    kind: points ? "points2d" : "image",
    description: options.description ??
      `Imported ONNX pair (${basename(files.generator)}, ${basename(files.discriminator)})`,
    latentDim,
    sampleShape,
    outputRange,
    ...(classes ? { classes: options.labels } : {}),
    drs,
    ...(prior.kind !== "normal" ? { latentPrior: prior } : {}),
    files: { ...entries, ...evaluation?.files },
    ...(evaluation ? { metrics: evaluation.metrics } : {}),

    import: {
      generator: basename(files.generator),
      discriminator: basename(files.discriminator),
      adapters,
      warnings,
      fused: sampler !== undefined,
      classInput: adapted.classInput,
      dOutput: probabilities ? "probability" : adapted.sigmoidCut ? "sigmoid-cut" : "logit",
      wasmParity: parity,
      ...(options.evaluation ? { dataset: options.evaluation.dataset } : {}),
    },
    createdAt: new Date().toISOString(),
  }, { source: `${options.out}/manifest.json` });
  for (const [name, b] of Object.entries(written)) {
    const path = `${options.out}/${name}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeFile(path, b);
  }
  await Deno.writeTextFile(
    `${options.out}/manifest.json`,
    JSON.stringify(manifest, null, 2) + "\n",
  );
  for (const w of warnings) log(`warning: ${w}`);
  return manifest;
}
