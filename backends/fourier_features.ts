/**
 * `FourierFeatures`: a TF.js layer for random Fourier input features (Tancik et al. 2020),
 * `// [N, in] -> [N, 2 * units]` = concat(sin(x @ B), cos(x @ B)) with B `// [in, units]` a
 * fixed (non-trainable) weight drawn from N(0, scale^2). It lets a small MLP resolve modes far
 * narrower than its input range (the density-ratio estimators of `train/ratio/`).
 *
 * Depends on TF.js alone so any loader can import it. A saved model that contains this layer
 * loads only after {@linkcode registerFourierFeatures} has run in that process (TF.js looks
 * custom classes up by name); the ONNX exporter writes it as Gather, Mul, Add, Sin, Cos, Concat.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/**
 * x @ B as sum_d x[:, d] * B[d, :], one multiply and one add per input dimension in order:
 * `// [N, in] x [in, units] -> [N, units]`. Phases reach about 100 for inputs of a few units,
 * where one float32 rounding is 8e-6; a matmul may fuse the multiply-adds on one runtime and
 * not on another, while separate multiplies and adds round the same way everywhere (the ONNX
 * export writes the same Mul and Add nodes), so runtimes agree to the last bit before sin/cos.
 */
export function fourierPhase(x: tf.Tensor2D, kernel: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const inDim = kernel.shape[0];
    let phase = x.slice([0, 0], [-1, 1]).mul(kernel.slice([0, 0], [1, -1])) as tf.Tensor2D;
    for (let d = 1; d < inDim; d++) {
      phase = phase.add(x.slice([0, d], [-1, 1]).mul(kernel.slice([d, 0], [1, -1])));
    }
    return phase;
  });
}

/** Options of {@linkcode FourierFeatures} (also its serialized config). */
export interface FourierFeaturesArgs extends LayerArgs {
  /** Frequencies: the layer outputs twice as many values. */
  units: number;
  /** Standard deviation of the entries of B (in inverse input units). @default {1} */
  scale?: number;
  /** Seed of B's initializer (loading a saved model replaces B by its stored value). @default {1} */
  seed?: number;
}

/** concat(sin(x @ B), cos(x @ B)) with a fixed B ~ N(0, scale^2). */
export class FourierFeatures extends tf.layers.Layer {
  /** The name TF.js serializes and looks up. */
  static className = "FourierFeatures";
  readonly units: number;
  readonly scale: number;
  readonly seed: number;
  private kernel?: tf.LayerVariable;

  constructor(args: FourierFeaturesArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1) {
      throw new RangeError(
        `Cannot build FourierFeatures as 'units' must be a positive integer: current value is ${args.units}`,
      );
    }
    const scale = args.scale ?? 1;
    if (!(scale > 0) || !Number.isFinite(scale)) {
      throw new RangeError(
        `Cannot build FourierFeatures as 'scale' must be positive and finite: current value is ${scale}`,
      );
    }
    this.units = args.units;
    this.scale = scale;
    this.seed = args.seed ?? 1;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inDim = shape[shape.length - 1];
    if (inDim === null) {
      throw new RangeError("Cannot build FourierFeatures as the last input dimension is dynamic");
    }
    this.kernel = this.addWeight(
      "kernel",
      [inDim, this.units],
      "float32",
      tf.initializers.randomNormal({ mean: 0, stddev: this.scale, seed: this.seed }),
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), 2 * this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs; // [N, in]
      const phase = fourierPhase(x as tf.Tensor2D, this.kernel!.read() as tf.Tensor2D);
      return tf.concat([tf.sin(phase), tf.cos(phase)], -1); // [N, 2 * units]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, scale: this.scale, seed: this.seed };
  }
}

/** Makes saved models with a `FourierFeatures` layer loadable (idempotent). */
export function registerFourierFeatures(): void {
  tf.serialization.registerClass(FourierFeatures);
}
