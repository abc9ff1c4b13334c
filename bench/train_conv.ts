/**
 * The conv half of `deno task bench:train`, run in a child process per backend: steps/s of a
 * small DCGAN on MNIST (`arch: "dcgan"`, width 128: G 64 -> 7x7x64 -> 14x14x32 -> 28x28x1 with
 * 4x4 stride-2 transposed convs, D the mirror with convs; batch 64, lazy R1 as MNIST_DEFAULTS),
 * where a wasm step's time goes by kernel, and per-op times of the conv layers.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { resolveImageConfig } from "../train/config_image.ts";
import { loadMnist, mnistSource } from "../train/data/mnist.ts";
import { createGan } from "../train/gan.ts";
import { trainGan } from "../train/loop.ts";
import { buildImageDiscriminator, buildImageGenerator } from "../train/models_image.ts";
import { builtInConv2dBackpropInput } from "../train/wasm_conv.ts";

/** The bench's DCGAN config: MNIST_DEFAULTS with conv G and D of width 128 (32/64 channels). */
export const CONV_GAN = resolveImageConfig({ arch: "dcgan", hidden: 128, dWidth: 128 });

/** Speed of the conv GAN on the active backend, and a wasm step's time by kernel. */
export interface ConvGanSpeed {
  steps: number;
  stepsPerSecond: number;
  /** Milliseconds per step by kernel name (profiled steps; only when asked). */
  kernelMsPerStep?: Record<string, number>;
}

/** Times `steps` conv GAN steps after `warmup` (steps should be a multiple of `r1Every`). */
export async function measureConvGan(
  steps: number,
  options: { warmup: number; profileSteps?: number },
): Promise<ConvGanSpeed> {
  const config = CONV_GAN;
  const data = mnistSource(await loadMnist("train"), { heldOut: config.heldOut, seed: 1 });
  const gan = createGan({
    generator: buildImageGenerator(config.latentDim, { arch: "dcgan", width: config.hidden }),
    discriminator: buildImageDiscriminator({ arch: "dcgan", width: config.dWidth }),
  }, config);
  const run = { batch: config.batch, seed: config.seed, latentDim: config.latentDim };
  if (options.warmup > 0) await trainGan(gan, data, { ...run, steps: options.warmup });
  const t0 = performance.now();
  await trainGan(gan, data, { ...run, steps });
  const stepsPerSecond = steps / ((performance.now() - t0) / 1000);
  if (!options.profileSteps) return { steps, stepsPerSecond };
  const profile = await tf.profile(async () => {
    await trainGan(gan, data, { ...run, steps: options.profileSteps! });
  });
  const kernelMsPerStep: Record<string, number> = {};
  for (const k of profile.kernels) {
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    kernelMsPerStep[k.name] = (kernelMsPerStep[k.name] ?? 0) + ms / options.profileSteps;
  }
  return { steps, stepsPerSecond, kernelMsPerStep };
}

/** One conv layer's op times on one backend (milliseconds, median of the reps). */
export interface ConvOpRow {
  layer: string;
  backend: string;
  reps: number;
  /** Forward `Conv2D`. */
  forwardMs: number;
  /** `Conv2DBackpropInput` as registered (this project's on wasm). */
  inputGradMs: number;
  /** tfjs-wasm's own `Conv2DBackpropInput` (wasm only). */
  inputGradBuiltInMs?: number;
  /** `Conv2DBackpropFilter` as registered (this project's on wasm). */
  filterGradMs: number;
}

/** The conv geometries of the bench GAN (batch 64), plus the 5x5 layer of ENV_NOTES. */
const LAYERS = [
  { layer: "28x28x1 <-> 14x14x32, 4x4 stride 2", x: [64, 28, 28, 1], filter: [4, 4, 1, 32] },
  { layer: "14x14x32 <-> 7x7x64, 4x4 stride 2", x: [64, 14, 14, 32], filter: [4, 4, 32, 64] },
  { layer: "14x14x32 <-> 7x7x64, 5x5 stride 2", x: [64, 14, 14, 32], filter: [5, 5, 32, 64] },
];

type Info = { dataId: object; shape: number[]; dtype: string };
type Kernel = (args: { inputs: Record<string, Info>; backend: unknown; attrs: object }) => Info;

/** Median milliseconds of `kernel` over `reps` calls, each on fresh copies of `inputs`. */
function timeKernel(
  kernel: Kernel,
  inputs: Record<string, tf.Tensor>,
  attrs: object,
  reps: number,
) {
  const backend = tf.backend();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    // Fresh tensors: XNNPACK caches packed weights by tensor id, which training never reuses.
    const fresh = tf.tidy(() =>
      Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.add(v, 0)]))
    );
    Object.values(fresh).forEach((t) => t.dataSync());
    const t0 = performance.now();
    const out = kernel({ inputs: fresh, backend, attrs });
    tf.backend().readSync(out.dataId);
    times.push(performance.now() - t0);
    backend.disposeData(out.dataId);
    tf.dispose(Object.values(fresh));
  }
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

/** Forward, input-gradient and filter-gradient times of the bench's conv layers. */
export function convOpTimes(reps: number): ConvOpRow[] {
  const backendName = tf.getBackend();
  const kernel = (name: string) => tf.getKernel(name, backendName)!.kernelFunc as unknown as Kernel;
  return LAYERS.map(({ layer, x: xShape, filter: fShape }) => {
    const x = tf.randomNormal(xShape), filter = tf.randomNormal(fShape);
    const conv = { strides: 2, pad: "same", dataFormat: "NHWC", dilations: 1 };
    const dy = tf.randomNormal(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 2, "same").shape);
    const inputAttrs = { ...conv, inputShape: xShape };
    const builtIn = backendName === "wasm" ? builtInConv2dBackpropInput() : undefined;
    const row: ConvOpRow = {
      layer,
      backend: backendName,
      reps,
      forwardMs: timeKernel(kernel("Conv2D"), { x, filter }, conv, reps),
      inputGradMs: timeKernel(kernel("Conv2DBackpropInput"), { dy, filter }, inputAttrs, reps),
      ...(builtIn
        ? {
          inputGradBuiltInMs: timeKernel(
            builtIn as unknown as Kernel,
            { dy, filter },
            inputAttrs,
            reps,
          ),
        }
        : {}),
      filterGradMs: timeKernel(
        kernel("Conv2DBackpropFilter"),
        { x, dy },
        { ...conv, filterShape: fShape },
        reps,
      ),
    };
    tf.dispose([x, filter, dy]);
    return row;
  });
}
