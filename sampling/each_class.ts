/**
 * One request for every class of a class-conditional model (`class=all`): `n` samples of each
 * class, class-major, each class one run of the core with the same seed (so column j of every
 * class row starts from the same latent stream). Budget and deadline bound the whole request.
 *
 * @module
 */

import { sample, type SampleRequest, type SamplerModel, type SamplerOptions } from "./sample.ts";
import type { SampleResult } from "./sampler.ts";
import { BudgetExhaustedError, type SampleStats } from "./stats.ts";

function mergeStats(all: SampleStats[]): SampleStats {
  const sum = (f: (s: SampleStats) => number) => all.reduce((a, s) => a + f(s), 0);
  const proposals = sum((s) => s.proposals), accepted = sum((s) => s.accepted);
  const first = all[0], last = all[all.length - 1];
  const moves = all.some((s) => s.moves !== undefined) ? sum((s) => s.moves ?? 0) : undefined;
  return {
    proposals,
    accepted,
    acceptanceRate: proposals > 0 ? accepted / proposals : 0,
    logM: first.logM,
    logMFinal: last.logMFinal,
    logMRaised: all.some((s) => s.logMRaised),
    logMRaises: sum((s) => s.logMRaises),
    nonFiniteLogits: sum((s) => s.nonFiniteLogits),
    gamma: first.gamma,
    ...(moves !== undefined ? { moves } : {}),
  };
}

/**
 * `request.n` samples of each of the model's classes, rows `c * n ..` of class c; the result's
 * `stats` sum over the classes (`logM` and `gamma` are the first class's).
 */
export async function sampleEachClass(
  model: SamplerModel,
  request: Omit<SampleRequest, "label">,
  options: SamplerOptions = {},
): Promise<SampleResult> {
  const classes = model.classes ?? 0;
  if (classes < 2) {
    throw new RangeError(
      `Cannot sample every class as the model is not class-conditional: current classes is ${classes}`,
    );
  }
  const now = options.now ?? (() => performance.now());
  const started = now();
  const budget = options.budget ?? 100_000, deadlineMs = options.deadlineMs ?? 10_000;
  const size = model.sampleShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(classes * request.n * size);
  const labels = new Int32Array(classes * request.n);
  const results: SampleResult[] = [];
  let evaluated = 0;
  for (let c = 0; c < classes; c++) {
    const left = { budget: budget - evaluated, deadlineMs: deadlineMs - (now() - started) };
    if (left.budget <= 0 || left.deadlineMs <= 0) {
      const stats = mergeStats(results.map((r) => r.stats));
      throw new BudgetExhaustedError(left.budget <= 0 ? "budget" : "deadline", stats, evaluated);
    }
    const { onAccepted: _o, ...rest } = options;
    let result: SampleResult;
    try {
      result = await sample(model, { ...request, label: c }, { ...rest, ...left });
    } catch (error) {
      if (!(error instanceof BudgetExhaustedError)) throw error;
      // What the whole request spent, not only the class that ran out.
      const stats = mergeStats([...results.map((r) => r.stats), error.stats]);
      throw new BudgetExhaustedError(error.reason, stats, evaluated + error.evaluated);
    }
    x.set(result.x, c * request.n * size);
    labels.fill(c, c * request.n, (c + 1) * request.n);
    evaluated += result.evaluated;
    results.push(result);
  }
  const total = (f: (r: SampleResult) => number) => results.reduce((a, r) => a + f(r), 0);
  return {
    x,
    labels,
    stats: mergeStats(results.map((r) => r.stats)),
    evaluated,
    discarded: total((r) => r.discarded),
    rounds: total((r) => r.rounds),
    batches: results.flatMap((r) => r.batches),
    timings: {
      gd: total((r) => r.timings.gd),
      draws: total((r) => r.timings.draws),
      decide: total((r) => r.timings.decide),
    },
  };
}
