/**
 * Discriminator Rejection Sampling math (Azadi et al., ICLR 2019), in logit space.
 *
 * With D(x) = sigmoid(D~(x)) and logM the largest logit seen so far:
 *   F(x) = D~(x) - logM - log(1 - exp(D~(x) - logM - eps)) - gamma,   p(x) = sigmoid(F(x)).
 * Every form here stays finite for finite inputs (log1p / expm1, no exp of large numbers).
 *
 * @module
 */

/** The paper's and mh-gan's epsilon. */
export const DEFAULT_EPSILON = 1e-6;

/** Options for {@linkcode computeF}. */
export interface DrsOptions {
  /** Keeps log(1 - exp(.)) finite at the argmax. @default {1e-6} */
  epsilon?: number;
  /** Shifts F, trading acceptance for quality. @default {0} */
  gamma?: number;
}

/** log(1 - exp(a)) for a < 0, accurate everywhere (Maechler's log1mexp). */
export function log1mexp(a: number): number {
  return a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
}

/** Numerically stable logistic function. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function checkFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new RangeError(
      `Cannot compute DRS as '${name}' must be finite: current value is ${value}`,
    );
  }
}

/** Validates logM, gamma and epsilon; returns the options with their defaults. */
function checkOptions(logM: number, options: DrsOptions): { epsilon: number; gamma: number } {
  const epsilon = options.epsilon ?? DEFAULT_EPSILON;
  const gamma = options.gamma ?? 0;
  checkFinite("logM", logM);
  checkFinite("gamma", gamma);
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new RangeError(
      `Cannot compute DRS as 'epsilon' must be positive and finite: current value is ${epsilon}`,
    );
  }
  return { epsilon, gamma };
}

/**
 * F(x) for one logit. `logit` must not exceed `logM` (raise logM first, see
 * {@linkcode DrsState}); `-Infinity` gives `-Infinity`, NaN gives NaN.
 */
export function computeF(logit: number, logM: number, options: DrsOptions = {}): number {
  const { epsilon, gamma } = checkOptions(logM, options);
  if (logit > logM) {
    throw new RangeError(
      `Cannot compute F as 'logit' must not exceed 'logM': ${logit} > ${logM}; raise logM first`,
    );
  }
  return fOf(logit, logM, { epsilon, gamma });
}

/** F for a logit not above logM, with checked options (`-Infinity` gives `-Infinity`). */
function fOf(logit: number, logM: number, options: { epsilon: number; gamma: number }): number {
  if (logit === -Infinity) return -Infinity;
  const delta = logit - logM;
  return delta - log1mexp(delta - options.epsilon) - options.gamma;
}

/** Acceptance probability sigmoid(F(x)) for one logit not above logM. */
export function acceptProbability(logit: number, logM: number, options: DrsOptions = {}): number {
  const f = computeF(logit, logM, options);
  return Number.isNaN(f) ? 0 : sigmoid(f);
}

/** Mutable state of one sampling run: the online max and its counters. */
export interface DrsState {
  /** Current max logit; raised online when a proposal exceeds it. */
  logM: number;
  /** Times logM was raised during this run. */
  logMRaises: number;
  /** Proposals rejected because D returned NaN or +Infinity. */
  nonFiniteLogits: number;
  /** Proposals seen. */
  proposals: number;
  /** Proposals accepted. */
  accepted: number;
}

/** A fresh run state starting from the calibrated logM. */
export function createDrsState(logM: number): DrsState {
  checkFinite("logM", logM);
  return { logM, logMRaises: 0, nonFiniteLogits: 0, proposals: 0, accepted: 0 };
}

/**
 * Decides one proposal: raise logM when the logit exceeds it, then keep it when
 * `u < sigmoid(F)`. A NaN or +Infinity logit is rejected and counted (it never raises logM).
 * Returns whether it is kept. Options must have been checked (see {@linkcode decideBatch}).
 */
function decideOne(
  logit: number,
  u: number,
  state: DrsState,
  options: { epsilon: number; gamma: number },
): boolean {
  state.proposals++;
  if (Number.isNaN(logit) || logit === Infinity) {
    state.nonFiniteLogits++;
    return false;
  }
  if (logit > state.logM) {
    state.logM = logit;
    state.logMRaises++;
  }
  // acceptProbability without re-checking the options for every proposal (F is -Infinity or
  // finite here: p = sigmoid(F)).
  if (u < sigmoid(fOf(logit, state.logM, options))) {
    state.accepted++;
    return true;
  }
  return false;
}

/**
 * Decides a batch of proposals in index order: for each, raise logM when the logit exceeds it,
 * then keep it when `u < sigmoid(F)`. NaN and +Infinity logits are rejected and counted (they
 * never raise logM). Returns the indices kept, in order. Processing order is proposal order, so
 * results do not depend on how proposals were split into batches.
 * Class-conditional models keep one state (and gamma) per class: see {@linkcode decideBatchIn}.
 */
export function decideBatch(
  logits: ArrayLike<number>,
  draws: ArrayLike<number>,
  state: DrsState,
  options: DrsOptions = {},
): number[] {
  checkDraws(logits, draws);
  // Up front, so bad options throw whatever the logits (even all NaN) and before any counter
  // or logM of the run has moved.
  const checked = checkOptions(state.logM, options);
  const kept: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    if (decideOne(logits[i], draws[i], state, checked)) kept.push(i);
  }
  return kept;
}

function checkDraws(logits: ArrayLike<number>, draws: ArrayLike<number>): void {
  if (draws.length < logits.length) {
    throw new RangeError(
      `Cannot decide as 'draws' must hold one draw per logit: ${draws.length} < ${logits.length}`,
    );
  }
}

/** One state and its options: a class's share of a class-conditional run. */
export interface DrsLane {
  state: DrsState;
  options: DrsOptions;
}

/** A chunk of proposals for {@linkcode decideBatchIn}. */
export interface LaneChunk {
  /** D's logit of each proposal: `// [count]`. */
  logits: ArrayLike<number>;
  /** The accept-test uniform of each proposal: `// [count]` (or longer). */
  draws: ArrayLike<number>;
  /** The lane of each proposal: `// [count]`. @default {undefined} (all in lane 0) */
  lane?: ArrayLike<number>;
}

/** Options for {@linkcode decideBatchIn}. */
export interface DecideOptions {
  /**
   * Stop once this many proposals are kept: the proposals after the one that completes the
   * request are not seen (not counted, never raise logM). @default {Infinity}
   */
  limit?: number;
}

/**
 * {@linkcode decideBatch} over several lanes (the per-class states and gammas of a
 * class-conditional model): proposal k is decided in `lanes[chunk.lane[k]]`, still in index
 * order, up to `options.limit` kept proposals.
 */
export function decideBatchIn(
  chunk: LaneChunk,
  lanes: readonly DrsLane[],
  options: DecideOptions = {},
): number[] {
  const { logits, draws, lane } = chunk;
  checkDraws(logits, draws);
  const checked = lanes.map((l) => checkOptions(l.state.logM, l.options));
  const limit = options.limit ?? Infinity;
  const kept: number[] = [];
  for (let i = 0; i < logits.length && kept.length < limit; i++) {
    const k = lane ? lane[i] : 0;
    if (decideOne(logits[i], draws[i], lanes[k].state, checked[k])) kept.push(i);
  }
  return kept;
}
