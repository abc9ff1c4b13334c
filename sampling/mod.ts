/**
 * The sampling core, below train/ and edge/: every sampler (raw G and DRS today) runs in the one
 * loop of `sampler.ts` over a {@linkcode Backend}, so served `stats`, calibration burn-ins and
 * the manifest's evaluation figures come from the same code.
 *
 * @module
 */

import type { Backend } from "../backends/mod.ts";
import type { Decider } from "./decider.ts";
import { type BatchSizeOptions, type DrsConstants, drsDecider } from "./drs.ts";
import { rawDecider } from "./raw.ts";
import { type CoreModel, type CoreOptions, runSampler, type SampleResult } from "./sampler.ts";
import { scoreDecider } from "./score.ts";

export type { DecideChunk, Decider } from "./decider.ts";
export { batchSize, type BatchSizeOptions, type DrsConstants, drsDecider } from "./drs.ts";
export { rawDecider } from "./raw.ts";
export { type CoreModel, type CoreOptions, runSampler, type SampleResult } from "./sampler.ts";
export { scoreDecider } from "./score.ts";
export { BudgetExhaustedError, rawStats, type SampleStats, statsOf } from "./stats.ts";
export { drawProposals, roundChunks } from "./draws.ts";
export { withinDeadline } from "./deadline.ts";
export { msSinceYield, yieldToEventLoop } from "./yield.ts";

/** Which sampler a request uses, with its parameters. */
export type SamplerSpec =
  /** Discriminator Rejection Sampling at `gamma`. */
  | { kind: "drs"; gamma: number }
  /** Raw G: proposals 0..n-1. */
  | { kind: "raw" };

/** What sampling needs to know about a model. */
export interface SamplerModel {
  backend: Backend;
  latentDim: number;
  sampleShape: readonly number[];
  /** The manifest's calibrated DRS constants. */
  drs: DrsConstants;
}

/** One sampling request. */
export interface SampleRequest {
  seed: number;
  n: number;
  sampler: SamplerSpec;
}

/** Options for {@linkcode sample}: the core's bounds and the round sizes. */
export interface SamplerOptions extends CoreOptions, BatchSizeOptions {}

/** The decider of a request's sampler. */
export function deciderFor(
  model: SamplerModel,
  spec: SamplerSpec,
  options: BatchSizeOptions = {},
): Decider {
  const sampleSize = model.sampleShape.reduce((a, b) => a * b, 1);
  switch (spec.kind) {
    case "drs":
      return drsDecider(model.drs, { ...options, gamma: spec.gamma, sampleSize });
    case "raw":
      return rawDecider(sampleSize);
  }
}

/** Samples `request.n` outputs with the request's sampler; throws `BudgetExhaustedError` when it cannot. */
export function sample(
  model: SamplerModel,
  request: SampleRequest,
  options: SamplerOptions = {},
): Promise<SampleResult> {
  const decider = deciderFor(model, request.sampler, options);
  return runSampler(model, { seed: request.seed, n: request.n, decider }, options);
}

/** Options for {@linkcode scoreProposals}. */
export interface ScoreOptions {
  /** Proposals per G+D call. @default {1024} */
  batch?: number;
}

/** Proposals with their logits. */
export interface ScoredProposals {
  /** G's samples: `// [count, ...sampleShape]` flattened. */
  x: Float32Array;
  /** D's logits: `// [count]`. */
  logits: Float32Array;
}

function scoreRun(
  model: Omit<CoreModel, "sampleShape">,
  range: { seed: number; count: number },
  options: ScoreOptions & { sampleSize?: number },
): Promise<SampleResult> {
  // The score decider sets its own row size: the model's sample shape does not matter here.
  return runSampler({ ...model, sampleShape: [] }, {
    seed: range.seed,
    n: range.count,
    decider: scoreDecider({ sampleSize: options.sampleSize }),
  }, { budget: Infinity, deadlineMs: Infinity, chunk: options.batch ?? 1024 });
}

/**
 * D's logits of proposals `0 .. count - 1` of `seed` (a burn-in): `// [count]`, through the same
 * draws and G+D calls as serving.
 */
export async function scoreProposals(
  model: Omit<CoreModel, "sampleShape">,
  range: { seed: number; count: number },
  options: ScoreOptions = {},
): Promise<Float32Array> {
  return (await scoreRun(model, range, options)).x;
}

/** Proposals `0 .. count - 1` of `seed` with their logits (figures, diagnostics). */
export async function scoredProposals(
  model: CoreModel,
  range: { seed: number; count: number },
  options: ScoreOptions = {},
): Promise<ScoredProposals> {
  const sampleSize = model.sampleShape.reduce((a, b) => a * b, 1);
  const rows = (await scoreRun(model, range, { ...options, sampleSize })).x;
  const x = new Float32Array(range.count * sampleSize);
  const logits = new Float32Array(range.count);
  for (let i = 0; i < range.count; i++) {
    const row = rows.subarray(i * (sampleSize + 1), (i + 1) * (sampleSize + 1));
    x.set(row.subarray(0, sampleSize), i * sampleSize);
    logits[i] = row[sampleSize];
  }
  return { x, logits };
}
