/** Statistics of a sampling run and the error for running out of budget or time. @module */

import type { DrsState } from "../shared/drs.ts";

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
  /** MH only: proposals that replaced a chain's state. */
  moves?: number;
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

/** Stats of a run from its DRS state. */
export function statsOf(state: DrsState, logM: number, gamma: number): SampleStats {
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

/** Statistics of `count` raw G samples (`drs=false`): every proposal kept, no DRS constants. */
export function rawStats(count: number): SampleStats {
  return {
    proposals: count,
    accepted: count,
    acceptanceRate: count > 0 ? 1 : 0,
    logM: null,
    logMFinal: null,
    logMRaised: false,
    logMRaises: 0,
    nonFiniteLogits: 0,
    gamma: null,
  };
}
