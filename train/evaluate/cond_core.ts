/**
 * Evaluation of a class-conditional model through the sampling core (the served code path):
 * `perClass` samples of every class with a sampler (raw G, DRS, ...), classified by the project
 * classifier, scored against the held-out real images overall and per class, with the class KL
 * of what the classifier sees and the sampler's cost.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { sample, type SamplerModel, type SamplerSpec } from "../../sampling/mod.ts";
import { classify } from "../classifier/features.ts";
import type { LabelledDataset } from "../data/labelled.ts";
import { type CondMetrics, condMetrics, type RealStats, realStats, splitImages } from "./cond.ts";
import { classHistogram, klFromUniform } from "./images.ts";

/** Samples of every class, class-major, and what they cost. */
export interface ClassSamples {
  /** `// [classes * perClass, ...sampleShape]` in [-1, 1]: rows `c * perClass ..` are class c. */
  images: Float32Array;
  /** The requested class of each row. */
  labels: Uint8Array;
  /** G+D evaluations per returned sample, per class. */
  costPerClass: number[];
  /** Share of proposals returned, per class (1 for raw G). */
  acceptancePerClass: number[];
  /** logM raises over every class's run. */
  logMRaises: number;
}

/** `perClass` samples of each class with `spec`, through the core (one request per class). */
export async function sampleEachClass(
  model: SamplerModel & { classes: number },
  spec: SamplerSpec,
  options: { perClass: number; seed: number },
): Promise<ClassSamples> {
  const { perClass, seed } = options;
  const classes = model.classes, size = model.sampleShape.reduce((a, b) => a * b, 1);
  const images = new Float32Array(classes * perClass * size);
  const labels = new Uint8Array(classes * perClass);
  const costPerClass: number[] = [], acceptancePerClass: number[] = [];
  let logMRaises = 0;
  for (let c = 0; c < classes; c++) {
    const result = await sample(model, { seed: seed + c, n: perClass, sampler: spec, label: c }, {
      budget: Infinity,
      deadlineMs: Infinity,
      yieldEveryMs: Infinity,
    });
    images.set(result.x, c * perClass * size);
    labels.fill(c, c * perClass, (c + 1) * perClass);
    costPerClass.push(result.stats.proposals / perClass);
    acceptancePerClass.push(result.stats.acceptanceRate);
    logMRaises += result.stats.logMRaises;
  }
  return { images, labels, costPerClass, acceptancePerClass, logMRaises };
}

/** The metrics of a sampler on a class-conditional model: quality and cost. */
export type SamplerScore = CondMetrics & {
  /** KL(histogram of the classifier's predicted classes || uniform). */
  classKl: number;
  /** G+D evaluations per returned sample (mean over classes). */
  cost: number;
  /** Share of proposals returned (mean over classes). */
  acceptance: number;
  logMRaises: number;
};

/** Classifies images `// [n, h * w]` of classes `labels` and scores them: FD, IS, accuracy, class KL. */
export function classifiedMetrics(
  images: Float32Array,
  labels: ArrayLike<number>,
  context: { classifier: tf.LayersModel; reference: RealStats },
): CondMetrics & { classKl: number } {
  const n = labels.length;
  const classified = classify(context.classifier, images, n);
  return {
    ...condMetrics(classified, labels, context.reference),
    classKl: klFromUniform(classHistogram(classified.probs, n)),
  };
}

/** Classifies `samples` and scores them against the real images' statistics. */
export function scoreClassSamples(
  samples: ClassSamples,
  context: { classifier: tf.LayersModel; reference: RealStats },
): SamplerScore {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    ...classifiedMetrics(samples.images, samples.labels, context),
    cost: mean(samples.costPerClass),
    acceptance: mean(samples.acceptancePerClass),
    logMRaises: samples.logMRaises,
  };
}

/** What a class-conditional model is measured against: the held-out images and a sanity row. */
export interface CondReference {
  classifier: tf.LayersModel;
  /** Feature statistics of the held-out (test) images, overall and per class. */
  reference: RealStats;
  /** The held-out images themselves (class-major order is not assumed). */
  held: { images: Float32Array; labels: Uint8Array };
  /** Real training images scored like samples: the floor of FD and the classifier's accuracy. */
  real: CondMetrics;
  /** The classifier's accuracy on the held-out images. */
  testAccuracy: number;
}

/** Classifies the held-out split of `data` and scores `realImages` training images against it. */
export function condReference(
  classifier: tf.LayersModel,
  data: LabelledDataset,
  options: { realImages?: number; halves?: boolean } = {},
): CondReference {
  const classes = data.classes.length;
  const held = splitImages(data.test, data.test.count);
  const classified = classify(classifier, held.images, data.test.count);
  if (options.halves) {
    // Two disjoint halves of the held-out images (even and odd rows): one is the reference,
    // the other is scored like samples. Training images would not do for a classifier trained
    // on them (their features are its training set's, not the test distribution's).
    const half = (parity: number) => {
      const rows = Array.from({ length: data.test.count }, (_, i) => i).filter((i) =>
        i % 2 === parity
      );
      const dim = classified.featureDim;
      return {
        classified: {
          featureDim: dim,
          features: Float32Array.from(
            rows.flatMap((i) => Array.from(classified.features.subarray(i * dim, (i + 1) * dim))),
          ),
          probs: Float32Array.from(
            rows.flatMap((i) => Array.from(classified.probs.subarray(i * 10, (i + 1) * 10))),
          ),
        },
        labels: Uint8Array.from(rows.map((i) => held.labels[i])),
      };
    };
    const [a, b] = [half(0), half(1)];
    const reference = realStats(a.classified, a.labels, classes);
    const testAccuracy = condMetrics(classified, held.labels, reference).classAccuracy;
    const real = condMetrics(b.classified, b.labels, reference);
    return { classifier, reference, held, real, testAccuracy };
  }
  const reference = realStats(classified, held.labels, classes);
  const testAccuracy = condMetrics(classified, held.labels, reference).classAccuracy;
  const count = Math.min(options.realImages ?? 10_000, data.train.count);
  const train = splitImages(data.train, count);
  const real = condMetrics(classify(classifier, train.images, count), train.labels, reference);
  return { classifier, reference, held, real, testAccuracy };
}
