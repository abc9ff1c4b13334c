/**
 * Refuses, before any work, a request whose own `gamma` or `acceptance` makes it unable to
 * finish within the proposal budget. Without this check a one-line URL (`gamma=1e9`) costs the
 * server the whole budget of G+D work and then answers 503, over and over: a cheap way to tie
 * up the sampler. The estimate is the manifest's F quantile table (what `acceptance` maps
 * through), so it matches what the model accepted at calibration.
 *
 * @module
 */

import { HttpError } from "./errors.ts";
import type { SampleQuery } from "./query.ts";

/** Options for {@linkcode checkReachable}. */
export interface ReachableOptions {
  /** Proposals one request may evaluate. */
  budget: number;
}

function short(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/**
 * Throws `400 invalid_parameter` naming `gamma`, `acceptance` or `k` when the request asked for
 * a gamma, an acceptance target or an MH chain length whose expected acceptance (`expected`, from the model's F
 * quantile tables, see `expectedRate()` of the sampling core) cannot yield `n` samples within the
 * budget. Requests at the manifest's gamma are never refused here (the budget then is the
 * operator's choice).
 */
export function checkReachable(
  q: SampleQuery,
  expected: number,
  options: ReachableOptions,
): void {
  // The request's own parameter that sets its cost (MH: k proposals per sample).
  const param = q.gamma !== undefined
    ? "gamma"
    : q.acceptance !== undefined
    ? "acceptance"
    : q.k !== undefined
    ? "k"
    : undefined;
  if (param === undefined) return;
  if (q.n <= expected * options.budget) return;
  const value = q.gamma ?? q.acceptance ?? q.k!;
  const needed = expected > 0 ? `about ${short(q.n / expected)}` : "unboundedly many";
  throw new HttpError(
    400,
    "invalid_parameter",
    `Cannot sample as '${param}' = ${value} gives an expected acceptance of ${short(expected)}: ` +
      `n = ${q.n} would need ${needed} proposals, over the budget of ${options.budget}; ` +
      (param === "k" ? "lower 'k' or 'n'" : "lower 'gamma' or raise 'acceptance'"),
    { details: { parameter: param, expectedAcceptance: expected, budget: options.budget } },
  );
}
