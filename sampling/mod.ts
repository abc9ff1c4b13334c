/**
 * The sampling core, below train/ and edge/: every sampler (raw G and DRS today) runs in the one
 * loop of `sampler.ts` over a {@linkcode Backend}, so served `stats`, calibration burn-ins and
 * the manifest's evaluation figures come from the same code.
 *
 * @module
 */

export type { DecideChunk, Decider, Kept } from "./decider.ts";
export { classesOf, type ClassPlan } from "./classes.ts";
export {
  batchSize,
  type BatchSizeOptions,
  COMPUTE_BOUND,
  type DrsConstants,
  drsDecider,
  quantileRound,
} from "./drs.ts";
export { measureCallCost } from "./call_cost.ts";
export { rawDecider } from "./raw.ts";
export { checkK, MAX_K, mhDecider } from "./mh.ts";
export { type CoreModel, type CoreOptions, runSampler, type SampleResult } from "./sampler.ts";
export { scoreDecider } from "./score.ts";
export { sampleEachClass } from "./each_class.ts";
export { BudgetExhaustedError, rawStats, type SampleStats, statsOf } from "./stats.ts";
export { drawProposals, roundChunks } from "./draws.ts";
export { withinDeadline } from "./deadline.ts";
export { msSinceYield, yieldToEventLoop } from "./yield.ts";
export {
  deciderFor,
  drsGammas,
  drsLanes,
  expectedRate,
  type ManifestLike,
  type ModelDrs,
  modelOf,
  sample,
  type SampleRequest,
  type SamplerModel,
  type SamplerOptions,
  type SamplerSpec,
  type ScoredProposals,
  scoredProposals,
  type ScoreOptions,
  scoreProposals,
} from "./sample.ts";
