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

import { createDrsState, decideBatch } from "../shared/drs.ts";
import { expectedAcceptance } from "../shared/calibration.ts";
import { normals } from "../shared/rng.ts";
import type { Backend, BackendOutput } from "../backends/mod.ts";
import { type Draws, type DrawSource, inlineDraws, roundChunks } from "./draws.ts";
import { BudgetExhaustedError, rawStats, type SampleStats, statsOf } from "./stats.ts";
import { withinDeadline } from "./deadline.ts";
import { yieldToEventLoop } from "./yield.ts";

export { BudgetExhaustedError, type SampleStats } from "./stats.ts";

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
  /** Source of latents and uniforms (e.g. a worker). @default {inlineDraws} */
  draws?: DrawSource;
  /**
   * Split each round into chunks of this many proposals whose draws are requested up front,
   * so an asynchronous `draws` source makes chunk k+1 while G+D runs on chunk k; the round
   * stops at the chunk that completes the request. @default {Infinity} (one batch per round)
   */
  chunk?: number;
  /**
   * Called as samples are accepted, in order, with `out` (`// [n, ...sampleShape]`) filled up
   * to `range.to`: a renderer can write them while G+D runs on the next chunk.
   */
  onAccepted?: (out: Float32Array, range: { from: number; to: number }) => void;
  /** Aborted when the result is no longer wanted: checked before each G+D call. */
  signal?: AbortSignal;
  /**
   * Longest run of G+D work, in milliseconds, before the sampler yields to the event loop
   * (onnxruntime-node runs on the JS thread): bounds how long a large request delays health
   * checks and other requests. Requests shorter than this never yield. @default {20}
   */
  yieldEveryMs?: number;
}

/** Result of {@linkcode sample}. */
export interface SampleResult {
  /** Accepted samples, row-major: `// [n, ...sampleShape]`. */
  x: Float32Array;
  stats: SampleStats;
  /** Proposals evaluated by G+D, including those after the last accepted one. */
  evaluated: number;
  /**
   * Proposals run by G+D ahead of need (off-thread backends queue the next chunk while deciding
   * one) and not used because the request completed first. Not in `evaluated` or `batches`.
   */
  discarded: number;
  /** Rounds of G+D. */
  rounds: number;
  /** Batch sizes of the rounds (what the floor benchmark replays). */
  batches: number[];
}

/** A chunk of a round: proposals `start .. start + size - 1`, their draws and G+D output. */
interface Chunk {
  start: number;
  size: number;
  drawn?: Promise<Draws>;
  output?: Promise<BackendOutput>;
  used?: boolean;
}

function launch(backend: Backend, drawn: Draws, size: number): Promise<BackendOutput> {
  const output = backend.run(drawn.z, size);
  output.catch(() => {}); // a chunk queued ahead and never used must not reject unobserved
  return output;
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
  const sampleSize = model.sampleShape.reduce((a, b) => a * b, 1);
  const now = options.now ?? (() => performance.now());
  const deadline = now() + (options.deadlineMs ?? 10_000);
  options.signal?.throwIfAborted();
  if (!request.drs) {
    const z = normals(seed, { start: 0, count: n, dim: model.latentDim });
    const x = await withinDeadline(
      model.backend.generate(z, n),
      deadline - now(),
      () => new BudgetExhaustedError("deadline", rawStats(0), 0),
    );
    const stats = rawStats(n);
    return {
      x: x.slice(0, n * sampleSize),
      stats,
      evaluated: n,
      discarded: 0,
      rounds: 1,
      batches: [n],
    };
  }
  const budget = options.budget ?? 100_000;
  const { logM, epsilon } = model.drs;
  const gamma = request.gamma;
  const drsOptions = { epsilon, gamma };
  const state = createDrsState(logM);
  const out = new Float32Array(n * sampleSize);
  const expected = expectedAcceptance(model.drs.fQuantiles, gamma);
  const batches: number[] = [];
  const draws = options.draws ?? inlineDraws;
  const yieldEveryMs = options.yieldEveryMs ?? 20;
  let sliceStart = performance.now();
  let evaluated = 0;
  let discarded = 0;
  const drawChunk = (chunk: Chunk): Promise<Draws> => {
    if (!chunk.drawn) {
      chunk.drawn = draws(seed, { start: chunk.start, count: chunk.size }, model.latentDim);
      chunk.drawn.catch(() => {}); // chunks left unused must not reject unobserved
    }
    return chunk.drawn;
  };
  const exhausted = (reason: "budget" | "deadline") =>
    new BudgetExhaustedError(reason, statsOf(state, logM, gamma), evaluated);
  while (state.accepted < n) {
    if (evaluated >= budget) throw exhausted("budget");
    if (batches.length > 0 && now() > deadline) throw exhausted("deadline");
    const remaining = n - state.accepted;
    // After a round, trust the observed rate (with a prior) over the calibrated one.
    const rate = evaluated === 0 ? expected : (state.accepted + 1) / (evaluated + 1 / expected);
    const count = Math.min(batchSize(remaining, rate, options), budget - evaluated);
    let next = evaluated;
    const pending: Chunk[] = roundChunks(count, options.chunk ?? Infinity).map((size) => {
      const chunk: Chunk = { start: next, size };
      next += size;
      return chunk;
    });
    // In-process G+D blocks this thread: request every chunk's draws now, so an asynchronous
    // source (a worker) makes chunk k+1 while G+D runs on chunk k. Off-thread G+D: draw each
    // chunk here just before it is queued, while the inference thread runs the one before.
    if (!model.backend.offThread) { for (const chunk of pending) drawChunk(chunk); }
    for (const [c, chunk] of pending.entries()) {
      if (state.accepted >= n) break;
      if (performance.now() - sliceStart > yieldEveryMs) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
      options.signal?.throwIfAborted();
      if (batches.length > 0 && now() > deadline) throw exhausted("deadline");
      const { size } = chunk;
      // Queued only once its draws are in hand, so the next chunk's draws (made on this thread
      // for an off-thread backend) overlap G+D on this one.
      chunk.output ??= launch(model.backend, await drawChunk(chunk), size);
      // Off-thread G+D: queue the next chunk now, so it runs while this one is decided, unless
      // this one is expected to complete the request (then the next would likely be wasted).
      const following = pending[c + 1];
      if (model.backend.offThread && following && size * rate < n - state.accepted) {
        following.output ??= launch(model.backend, await drawChunk(following), following.size);
      }
      const { u } = await drawChunk(chunk);
      // Even the first call (which always runs) is bounded: a backend that never answers.
      const { x, logits } = await withinDeadline(
        chunk.output,
        deadline - now(),
        () => exhausted("deadline"),
      );
      chunk.used = true;
      evaluated += size;
      batches.push(size);
      const need = n - state.accepted;
      const before = { ...state };
      let kept = decideBatch(logits, u, state, drsOptions);
      if (kept.length > need) {
        // Decide again up to the proposal that completes the request, so the state (logM
        // raises, counts) never sees proposals past it.
        Object.assign(state, before);
        kept = decideBatch(logits.subarray(0, kept[need - 1] + 1), u, state, drsOptions);
      }
      const base = n - need;
      for (let k = 0; k < kept.length; k++) {
        out.set(
          x.subarray(kept[k] * sampleSize, (kept[k] + 1) * sampleSize),
          (base + k) * sampleSize,
        );
      }
      if (kept.length > 0) options.onAccepted?.(out, { from: base, to: base + kept.length });
    }
    for (const chunk of pending) if (chunk.output && !chunk.used) discarded += chunk.size;
  }
  return {
    x: out,
    stats: statsOf(state, logM, gamma),
    evaluated,
    discarded,
    rounds: batches.length,
    batches,
  };
}
