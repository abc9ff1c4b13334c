/**
 * The one sampling loop: serving, calibration and evaluation all draw proposals through it.
 *
 * Proposal `i` of a request always uses latent row `i` and uniform draw `i` of the request's
 * seed, and a {@linkcode Decider} sees proposals in index order, so the returned samples and the
 * statistics never depend on how proposals were split into batches. Rounds are sized by the
 * decider so that one round of G+D usually suffices; a budget and a deadline bound the work.
 *
 * @module
 */

import type { Backend, BackendOutput } from "../backends/mod.ts";
import type { LatentPrior } from "../shared/latent_prior.ts";
import type { Decider } from "./decider.ts";
import { drawProposals, type Draws, roundChunks } from "./draws.ts";
import { BudgetExhaustedError, type SampleStats } from "./stats.ts";
import { withinDeadline } from "./deadline.ts";
import { yieldToEventLoop } from "./yield.ts";

/** What the core needs to know about a model. */
export interface CoreModel {
  backend: Backend;
  latentDim: number;
  sampleShape: readonly number[];
  /** The prior G's latents are drawn from. @default {{ kind: "normal" }} */
  latentPrior?: LatentPrior;
}

/** Options for {@linkcode runSampler}. */
export interface CoreOptions {
  /** Most proposals one request may evaluate. @default {100000} */
  budget?: number;
  /** Wall-clock limit per request, in milliseconds. @default {10000} */
  deadlineMs?: number;
  /** Clock in milliseconds. @default {() => performance.now()} */
  now?: () => number;
  /**
   * Split each round into chunks of this many proposals, so an off-thread backend runs G+D on
   * chunk k+1 while this thread decides chunk k, and a WASM heap stays bounded; the round stops
   * at the chunk that completes the request. @default {Infinity} (one batch per round)
   */
  chunk?: number;
  /**
   * Most proposals in one G+D call, on every runtime: a round larger than this (MH's n x k, a
   * DRS round at a low acceptance) runs as several calls. @default {8192}
   */
  maxBatch?: number;
  /**
   * Called as samples are returned, in order, with `out` (`// [n, ...sampleShape]`) filled up
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

/** Result of one sampling run. */
export interface SampleResult {
  /** Returned rows: `// [n, ...sampleShape]` (a burn-in's logits: `// [n]`). */
  x: Float32Array;
  /** Class of each returned row, for class-conditional models: `// [n]`. */
  labels?: Int32Array;
  stats: SampleStats;
  /** Proposals evaluated by G (and D), including those after the last returned one. */
  evaluated: number;
  /**
   * Proposals run by G+D ahead of need (off-thread backends queue the next chunk while deciding
   * one) and not used because the request completed first. Not in `evaluated` or `batches`.
   */
  discarded: number;
  /** G+D calls whose output was used. */
  rounds: number;
  /** Sizes of those calls (what the floor benchmark replays). */
  batches: number[];
  /**
   * Where the request's time went, in milliseconds: waiting for G+D (all of it in-process; what
   * was not overlapped on an inference thread), making latents and uniforms, and decisions.
   */
  timings: { gd: number; draws: number; decide: number };
}

/** A chunk of a round: proposals `start .. start + size - 1`, their draws and G(+D) output. */
interface Chunk {
  start: number;
  size: number;
  drawn?: Draws;
  /** Class of each proposal (class-conditional models): `// [size]`. */
  classes?: Int32Array;
  output?: Promise<BackendOutput>;
  used?: boolean;
}

function launch(model: CoreModel, decider: Decider, chunk: Chunk): Promise<BackendOutput> {
  const { z } = chunk.drawn!, classes = chunk.classes;
  const output = decider.needsLogits
    ? model.backend.run(z, chunk.size, { classes })
    : model.backend.generate(z, chunk.size, { classes }).then((x) => ({
      x,
      logits: new Float32Array(0),
    }));
  output.catch(() => {}); // a chunk queued ahead and never used must not reject unobserved
  return output;
}

/**
 * Runs `decider` over the proposals of `seed` until it has returned `n` samples; throws
 * {@linkcode BudgetExhaustedError} (with the statistics so far) when the budget or the deadline
 * runs out first.
 */
export async function runSampler(
  model: CoreModel,
  request: { seed: number; n: number; decider: Decider },
  options: CoreOptions = {},
): Promise<SampleResult> {
  const { seed, n, decider } = request;
  const rowSize = decider.rowSize ?? model.sampleShape.reduce((a, b) => a * b, 1);
  const now = options.now ?? (() => performance.now());
  const deadline = now() + (options.deadlineMs ?? 10_000);
  const budget = options.budget ?? 100_000;
  const yieldEveryMs = options.yieldEveryMs ?? 20;
  // A sampler without decisions has nothing to overlap G with: its round is one call.
  const chunkSize = decider.needsLogits ? options.chunk ?? Infinity : Infinity;
  const offThread = model.backend.offThread === true;
  options.signal?.throwIfAborted();
  const out = new Float32Array(n * rowSize);
  const batches: number[] = [];
  let sliceStart = performance.now();
  const timings = { gd: 0, draws: 0, decide: 0 };
  let evaluated = 0;
  let discarded = 0;
  const labels = decider.classesFor ? new Int32Array(n) : undefined;
  const draw = (chunk: Chunk): Draws => {
    if (chunk.drawn) return chunk.drawn;
    const t0 = performance.now();
    chunk.drawn = drawProposals(
      seed,
      { start: chunk.start, count: chunk.size, dim: model.latentDim },
      { uniforms: decider.needsLogits, psi: decider.psi, prior: model.latentPrior },
    );
    chunk.classes = decider.classesFor?.(chunk.start, chunk.size);
    timings.draws += performance.now() - t0;
    return chunk.drawn;
  };
  // In-process runtimes may do their work inside the call: G+D time counts the call and the wait.
  const start = (chunk: Chunk): Promise<BackendOutput> => {
    const t0 = performance.now();
    chunk.output ??= launch(model, decider, chunk);
    timings.gd += performance.now() - t0;
    return chunk.output;
  };
  const exhausted = (reason: "budget" | "deadline") =>
    new BudgetExhaustedError(reason, decider.stats(), evaluated);
  while (decider.accepted < n) {
    if (evaluated >= budget) throw exhausted("budget");
    if (batches.length > 0 && now() > deadline) throw exhausted("deadline");
    // A round never exceeds one G+D call's bound: the rest of a larger one is the next round.
    const count = Math.min(
      decider.roundSize(n - decider.accepted, evaluated),
      budget - evaluated,
      options.maxBatch ?? 8192,
    );
    let next = evaluated;
    const pending: Chunk[] = roundChunks(count, chunkSize).map((size) => {
      const chunk: Chunk = { start: next, size };
      next += size;
      return chunk;
    });
    for (const [c, chunk] of pending.entries()) {
      if (decider.accepted >= n) break;
      if (performance.now() - sliceStart > yieldEveryMs) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
      options.signal?.throwIfAborted();
      if (batches.length > 0 && now() > deadline) throw exhausted("deadline");
      draw(chunk);
      const output = start(chunk);
      // Off-thread G+D: queue the next chunk now, so it runs while this one is decided, unless
      // this one is expected to complete the request (then the next would likely be wasted).
      const following = pending[c + 1];
      if (offThread && following && !decider.likelyCompletes(chunk.size, n - decider.accepted)) {
        draw(following);
        start(following);
      }
      // Even the first call (which always runs) is bounded: a backend that never answers.
      const waited = performance.now();
      const { x, logits } = await withinDeadline(
        output,
        deadline - now(),
        () => exhausted("deadline"),
      );
      const decided = performance.now();
      timings.gd += decided - waited;
      chunk.used = true;
      evaluated += chunk.size;
      batches.push(chunk.size);
      const base = decider.accepted;
      const kept = decider.decide(
        {
          start: chunk.start,
          size: chunk.size,
          x,
          logits,
          u: chunk.drawn!.u,
          classes: chunk.classes,
        },
        n - base,
      );
      const rows = kept.rows;
      rows.forEach((row, k) => out.set(row, (base + k) * rowSize));
      if (labels && kept.labels) labels.set(kept.labels, base);
      timings.decide += performance.now() - decided;
      if (rows.length > 0) options.onAccepted?.(out, { from: base, to: base + rows.length });
    }
    for (const chunk of pending) if (chunk.output && !chunk.used) discarded += chunk.size;
  }
  return {
    x: out,
    ...(labels ? { labels } : {}),
    stats: decider.stats(),
    evaluated,
    discarded,
    rounds: batches.length,
    batches,
    timings,
  };
}
