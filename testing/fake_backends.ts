/**
 * Pure-TS stand-ins for real models, for unit tests: an analytic 5x5 grid generator with the
 * matching log density-ratio discriminator, and a tiny image generator.
 *
 * @module
 */

import type { Backend, BackendOutput, RunOptions } from "../backends/mod.ts";

/** Options for {@linkcode fakeGridBackend}. */
export interface FakeGridOptions {
  /** Every k-th proposal (by position in its batch) gets a NaN logit; 0 disables. @default {0} */
  nanEvery?: number;
  /** Spread of the generator around each mode (the data's is 0.05). @default {0.15} */
  spread?: number;
}

/** A backend that also records the batch sizes it was asked for. */
export interface FakeBackend extends Backend {
  calls: { method: "run" | "generate"; n: number }[];
  disposed: boolean;
}

const DATA_STD = 0.05;

/** G: z `// [n, 3]` -> a point near one of the 25 modes at (2i, 2j), i, j in -2..2. */
function gridGenerate(z: Float32Array, n: number, spread: number): Float32Array {
  const x = new Float32Array(n * 2);
  for (let r = 0; r < n; r++) {
    const u = 0.5 * (1 + Math.tanh(0.8 * z[3 * r]));
    const mode = Math.min(24, Math.floor(u * 25));
    x[2 * r] = 2 * ((mode % 5) - 2) + spread * z[3 * r + 1];
    x[2 * r + 1] = 2 * (Math.floor(mode / 5) - 2) + spread * z[3 * r + 2];
  }
  return x;
}

/** D~: the exact log(p_data / p_g) near the nearest mode. */
function gridDiscriminate(x: Float32Array, n: number, spread: number): Float32Array {
  const logits = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const px = x[2 * r], py = x[2 * r + 1];
    const mx = 2 * Math.max(-2, Math.min(2, Math.round(px / 2)));
    const my = 2 * Math.max(-2, Math.min(2, Math.round(py / 2)));
    const d2 = (px - mx) ** 2 + (py - my) ** 2;
    logits[r] = 2 * Math.log(spread / DATA_STD) - d2 / (2 * DATA_STD ** 2) + d2 / (2 * spread ** 2);
  }
  return logits;
}

/** The analytic grid25 stand-in: latentDim 3, sampleShape [2]. */
export function fakeGridBackend(options: FakeGridOptions = {}): FakeBackend {
  const spread = options.spread ?? 0.15;
  const nanEvery = options.nanEvery ?? 0;
  const backend: FakeBackend = {
    name: "onnx",
    calls: [],
    disposed: false,
    run(z, n): Promise<BackendOutput> {
      backend.calls.push({ method: "run", n });
      const x = gridGenerate(z, n, spread);
      const logits = gridDiscriminate(x, n, spread);
      if (nanEvery > 0) { for (let i = nanEvery - 1; i < n; i += nanEvery) logits[i] = NaN; }
      return Promise.resolve({ x, logits });
    },
    generate(z, n) {
      backend.calls.push({ method: "generate", n });
      return Promise.resolve(gridGenerate(z, n, spread));
    },
    dispose() {
      backend.disposed = true;
      return Promise.resolve();
    },
  };
  return backend;
}

/** A 4x4 one-channel image stand-in: latentDim 4, sampleShape [4, 4, 1], values in (-1, 1). */
export function fakeImageBackend(): FakeBackend {
  const generate = (z: Float32Array, n: number) => {
    const x = new Float32Array(n * 16);
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < 16; k++) x[r * 16 + k] = Math.tanh(z[r * 4 + (k % 4)] + (k - 8) / 8);
    }
    return x;
  };
  const discriminate = (x: Float32Array, n: number) => {
    const logits = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let k = 0; k < 16; k++) s += x[r * 16 + k];
      logits[r] = -Math.abs(s / 16);
    }
    return logits;
  };
  const backend: FakeBackend = {
    name: "wasm",
    calls: [],
    disposed: false,
    run(z, n) {
      backend.calls.push({ method: "run", n });
      const x = generate(z, n);
      return Promise.resolve({ x, logits: discriminate(x, n) });
    },
    generate(z, n) {
      backend.calls.push({ method: "generate", n });
      return Promise.resolve(generate(z, n));
    },
    dispose() {
      backend.disposed = true;
      return Promise.resolve();
    },
  };
  return backend;
}

/**
 * A class-conditional 4x4 image stand-in (latentDim 4, sampleShape [4, 4, 1]): class c brightens
 * the image by c / classes, and D's logit is shifted by c (each class has its own logit scale).
 * Calls record the classes they were given.
 */
export function fakeConditionalBackend(
  classes: number,
): FakeBackend & { classes: (Int32Array | undefined)[] } {
  const image = fakeImageBackend();
  const shift = (x: Float32Array, labels: Int32Array) => {
    for (let r = 0; r < labels.length; r++) {
      for (let k = 0; k < 16; k++) x[r * 16 + k] = Math.tanh(x[r * 16 + k] + labels[r] / classes);
    }
    return x;
  };
  const check = (n: number, labels?: Int32Array) => {
    if (!labels || labels.length !== n) throw new RangeError("a conditional fake needs classes");
    return labels;
  };
  const backend = {
    name: "onnx" as const,
    calls: [] as FakeBackend["calls"],
    classes: [] as (Int32Array | undefined)[],
    disposed: false,
    async run(z: Float32Array, n: number, options: RunOptions = {}) {
      backend.calls.push({ method: "run", n });
      backend.classes.push(options.classes);
      const labels = check(n, options.classes);
      const { x, logits } = await image.run(z, n);
      shift(x, labels);
      for (let r = 0; r < n; r++) logits[r] += labels[r];
      return { x, logits };
    },
    async generate(z: Float32Array, n: number, options: RunOptions = {}) {
      backend.calls.push({ method: "generate", n });
      backend.classes.push(options.classes);
      return shift(await image.generate(z, n), check(n, options.classes));
    },
    dispose() {
      backend.disposed = true;
      return Promise.resolve();
    },
  };
  return backend;
}
