/**
 * A lane's expected DRS acceptance at a gamma, and the gamma of a target acceptance, remembered
 * per quantile table. Every DRS request needs them twice (the reachability check, then the
 * first round's size) and a class-conditional model has one table per class: for mnist's ten
 * classes the acceptance costs about 11 us each time, and the gamma of an `acceptance=` query
 * (a bisection of 200 steps) about 1.9 ms.
 *
 * @module
 */

import { expectedAcceptance, gammaForAcceptance } from "../shared/calibration.ts";

/** Most values remembered per table and kind (queries may name any gamma or acceptance). */
const MAX_ENTRIES = 64;

type Memo = WeakMap<readonly number[], Map<number, number>>;
const acceptances: Memo = new WeakMap();
const gammas: Memo = new WeakMap();

/** The value of `entry.compute()` for `entry.table` at `entry.at`, computed on first use. */
function remembered(
  memo: Memo,
  entry: { table: readonly number[]; at: number; compute: () => number },
): number {
  let values = memo.get(entry.table);
  if (!values) memo.set(entry.table, values = new Map());
  let value = values.get(entry.at);
  if (value === undefined) {
    if (values.size >= MAX_ENTRIES) values.clear();
    value = entry.compute();
    values.set(entry.at, value);
  }
  return value;
}

/** `expectedAcceptance(fQuantiles, gamma)`, computed once per table and gamma. */
export function laneAcceptance(fQuantiles: readonly number[], gamma: number): number {
  return remembered(acceptances, {
    table: fQuantiles,
    at: gamma,
    compute: () => expectedAcceptance(fQuantiles, gamma),
  });
}

/** `gammaForAcceptance(target, fQuantiles)`, computed once per table and target. */
export function laneGamma(fQuantiles: readonly number[], target: number): number {
  return remembered(gammas, {
    table: fQuantiles,
    at: target,
    compute: () => gammaForAcceptance(target, fQuantiles),
  });
}
