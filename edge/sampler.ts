/**
 * Batched Discriminator Rejection Sampling over a {@linkcode Backend}.
 *
 * Proposal `i` of a request always uses latent row `i` and uniform draw `i` of the request's
 * seed, and proposals are decided in index order, so the accepted samples and the statistics
 * never depend on how proposals were split into batches. Batches are sized from the expected
 * acceptance so that one round of G+D usually suffices; a budget and a deadline bound the work.
 *
 * @module
 */

import { createDrsState, decideBatch, type DrsState } from "../shared/drs.ts";
import { expectedAcceptance } from "../shared/calibration.ts";
import { normals, uniforms } from "../shared/rng.ts";
import type { Backend } from "./backends/mod.ts";

/** What the sampler needs to know about a model. */
export interface SamplerModel {
  backend: Backend;
  latentDim: number;
  sampleShape: readonly number[];
  drs: { logM: number; epsilon: number; fQuantiles: readonly number[] };
}

/** One sampling request. */
export interface SampleRequest {
  seed: number;
  n: number;
  /** false: raw G samples (proposals 0..n-1, no D pass). */
  drs: boolean;
  /** gamma for F; ignored when `drs` is false. */
  gamma: number;
}

/** Options for {@linkcode sample}. */
export interface SamplerOptions {
  /** Most proposals one request may evaluate. @default {100000} */
  budget?: number;
  /** Wall-clock limit per request, in milliseconds. @default {10000} */
  deadlineMs?: number;
  /** Smallest batch. @default {16} */
  minBatch?: number;
  /** Largest batch. @default {8192} */
  maxBatch?: number;
  /** Clock in milliseconds. @default {() => performance.now()} */
  now?: () => number;
}

/** Batch-independent statistics of one request (safe to put in a cached body). */
export interface SampleStats {
  /** Proposals decided, up to and including the last one accepted. */
  proposals: number;
  accepted: number;
  acceptanceRate: number;
  /** Calibrated logM the request started from (null for drs=false). */
  logM: number | null;
  /** logM after online raises. */
  logMFinal: number | null;
  logMRaised: boolean;
  logMRaises: number;
  nonFiniteLogits: number;
  gamma: number | null;
}

/** Result of {@linkcode sample}. */
export interface SampleResult {
  /** Accepted samples, row-major: `// [n, ...sampleShape]`. */
  x: Float32Array;
  stats: SampleStats;
  /** Proposals evaluated by G+D, including those after the last accepted one. */
  evaluated: number;
  /** Rounds of G+D. */
  rounds: number;
  /** Batch sizes of the rounds (what the floor benchmark replays). */
  batches: number[];
}

/** The budget or the deadline ran out before `n` samples were accepted. */
export class BudgetExhaustedError extends Error {
  reason: "budget" | "deadline";
  stats: SampleStats;
  evaluated: number;
  constructor(reason: "budget" | "deadline", stats: SampleStats, evaluated: number) {
    super(
      reason === "budget"
        ? `Cannot sample as the proposal budget ran out after ${evaluated} proposals with ` +
          `${stats.accepted} accepted: try a smaller 'n' or a larger 'acceptance'`
        : `Cannot sample as the deadline passed after ${evaluated} proposals with ` +
          `${stats.accepted} accepted`,
    );
    this.name = "BudgetExhaustedError";
    this.reason = reason;
    this.stats = stats;
    this.evaluated = evaluated;
  }
}

function statsOf(state: DrsState, logM: number, gamma: number): SampleStats {
  return {
    proposals: state.proposals,
    accepted: state.accepted,
    acceptanceRate: state.proposals > 0 ? state.accepted / state.proposals : 0,
    logM,
    logMFinal: state.logM,
    logMRaised: state.logMRaises > 0,
    logMRaises: state.logMRaises,
    nonFiniteLogits: state.nonFiniteLogits,
    gamma,
  };
}

/** Proposals to evaluate next: enough that `remaining` are accepted with high probability. */
export function batchSize(remaining: number, rate: number, options: SamplerOptions = {}): number {
  const p = Math.min(1, Math.max(rate, 1e-4));
  const want = Math.ceil((remaining + 2 * Math.sqrt(remaining) + 1) / p);
  return Math.min(options.maxBatch ?? 8192, Math.max(options.minBatch ?? 16, want));
}

/** Samples `request.n` outputs; throws {@linkcode BudgetExhaustedError} when it cannot. */
export async function sample(
  model: SamplerModel,
  request: SampleRequest,
  options: SamplerOptions = {},
): Promise<SampleResult> {
  const { seed, n } = request;
  const size = model.sampleShape.reduce((a, b) => a * b, 1);
  if (!request.drs) {
    const z = normals(seed, { start: 0, count: n, dim: model.latentDim });
    const x = await model.backend.generate(z, n);
    const stats: SampleStats = {
      proposals: n,
      accepted: n,
      acceptanceRate: 1,
      logM: null,
      logMFinal: null,
      logMRaised: false,
      logMRaises: 0,
      nonFiniteLogits: 0,
      gamma: null,
    };
    return { x: x.slice(0, n * size), stats, evaluated: n, rounds: 1, batches: [n] };
  }
  const budget = options.budget ?? 100_000;
  const now = options.now ?? (() => performance.now());
  const deadline = now() + (options.deadlineMs ?? 10_000);
  const { logM, epsilon } = model.drs;
  const gamma = request.gamma;
  const drsOptions = { epsilon, gamma };
  const state = createDrsState(logM);
  const out = new Float32Array(n * size);
  const expected = expectedAcceptance(model.drs.fQuantiles, gamma);
  const batches: number[] = [];
  let evaluated = 0;
  while (state.accepted < n) {
    if (evaluated >= budget) {
      throw new BudgetExhaustedError("budget", statsOf(state, logM, gamma), evaluated);
    }
    if (batches.length > 0 && now() > deadline) {
      throw new BudgetExhaustedError("deadline", statsOf(state, logM, gamma), evaluated);
    }
    const remaining = n - state.accepted;
    // After a round, trust the observed rate (with a prior) over the calibrated one.
    const rate = evaluated === 0 ? expected : (state.accepted + 1) / (evaluated + 1 / expected);
    const count = Math.min(batchSize(remaining, rate, options), budget - evaluated);
    const start = evaluated;
    const z = normals(seed, { start, count, dim: model.latentDim });
    const draws = uniforms(seed, { start, count });
    const { x, logits } = await model.backend.run(z, count);
    evaluated += count;
    batches.push(count);
    const before = { ...state };
    let kept = decideBatch(logits, draws, state, drsOptions);
    if (kept.length > remaining) {
      // Decide again up to the proposal that completes the request, so the state (logM
      // raises, counts) never sees proposals past it.
      Object.assign(state, before);
      kept = decideBatch(logits.subarray(0, kept[remaining - 1] + 1), draws, state, drsOptions);
    }
    const base = n - remaining;
    for (let k = 0; k < kept.length; k++) {
      out.set(x.subarray(kept[k] * size, (kept[k] + 1) * size), (base + k) * size);
    }
  }
  return {
    x: out,
    stats: statsOf(state, logM, gamma),
    evaluated,
    rounds: batches.length,
    batches,
  };
}
