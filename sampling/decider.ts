/**
 * What a sampler plugs into the sampling core: how many proposals to evaluate next, whether they
 * need D's logits, and which proposals (in index order) become returned samples. The core owns
 * drawing, batching, G+D calls, budget and deadline; a decider owns only its decisions and
 * statistics, so every sampler runs in the one loop of `sampler.ts`.
 *
 * @module
 */

import type { SampleStats } from "./stats.ts";

/** One chunk of evaluated proposals, handed to a decider in proposal order. */
export interface DecideChunk {
  /** Index of the chunk's first proposal in the request. */
  start: number;
  size: number;
  /** G's samples: `// [size, ...sampleShape]` flattened. */
  x: Float32Array;
  /** D's logits: `// [size]` (only for deciders with `needsLogits`). */
  logits?: Float32Array;
  /** Accept-test uniforms of the chunk's proposals: `// [size]` (when `needsLogits`). */
  u: Float64Array;
  /** Classes of the chunk's proposals, for class-conditional models: `// [size]`. */
  classes?: Int32Array;
}

/** What a decider returns from a chunk, in order. */
export interface Kept {
  /** The returned rows. */
  rows: Float32Array[];
  /** The class of each row, for class-conditional models. */
  labels?: number[];
}

/** A sampler's decisions over a stream of proposals. */
export interface Decider {
  /** True when proposals need D (G+D); false runs G alone and makes no uniform draws. */
  readonly needsLogits: boolean;
  /**
   * Values per returned row. @default {the model's sample size} (a burn-in returns logits: 1)
   */
  readonly rowSize?: number;
  /**
   * Truncation of the latents (BigGAN): entries with |z| > psi are redrawn inside [-psi, psi]
   * (shared/truncation.ts). @default {undefined} (no truncation)
   */
  readonly psi?: number;
  /** Samples returned so far. */
  readonly accepted: number;
  /**
   * Classes of proposals `start .. start + count - 1` for a class-conditional model: `// [count]`.
   * Absent for unconditional models.
   */
  classesFor?(start: number, count: number): Int32Array;
  /**
   * Proposals to evaluate in the next round for `remaining` more samples, after `evaluated`
   * proposals: enough that one round usually completes the request.
   */
  roundSize(remaining: number, evaluated: number): number;
  /**
   * Decides a chunk and returns the rows to append to the output, in order: at most `need`
   * (never a decision past the proposal that completes the request, so statistics do not
   * depend on batching).
   */
  decide(chunk: DecideChunk, need: number): Kept;
  /** Statistics of the decisions made so far (batch-independent). */
  stats(): SampleStats;
  /**
   * Whether a chunk of `size` proposals probably completes the `remaining` samples (at the rate
   * the current round was sized with), so queuing the next chunk ahead would likely be wasted.
   */
  likelyCompletes(size: number, remaining: number): boolean;
}
