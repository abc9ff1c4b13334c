/**
 * Independent Metropolis-Hastings over generator proposals (MH-GAN, Turner et al., ICML 2019),
 * in logit space. With a calibrated D(x) = sigmoid(l(x)), the proposal x' replaces the chain's
 * current x with probability
 *
 *   min(1, (1/D(x) - 1) / (1/D(x') - 1)) = min(1, exp(l(x') - l(x))),
 *
 * since 1/D - 1 = exp(-l). exp(l) estimates p_data / p_g, so the chain's stationary law is
 * p_data when D is the calibrated optimal discriminator. Pure math only: which proposals feed
 * a chain, and when it stops, is the sampler's business.
 *
 * @module
 */

/**
 * Probability that the chain moves from a state with logit `current` to a proposal with logit
 * `proposal`: min(1, exp(proposal - current)). A NaN or +Infinity proposal is never taken
 * (as DRS rejects it); from a -Infinity (or NaN) state any finite proposal is taken.
 */
export function mhAcceptProbability(current: number, proposal: number): number {
  if (Number.isNaN(proposal) || proposal === Infinity) return 0;
  if (Number.isNaN(current) || current === -Infinity) return proposal === -Infinity ? 0 : 1;
  if (proposal === -Infinity || current === Infinity) return 0;
  const delta = proposal - current;
  return delta >= 0 ? 1 : Math.exp(delta);
}

/** One chain: its current proposal (an index chosen by the caller) and counters. */
export interface MhChain {
  /** Index of the current state, as given to {@linkcode startChain} / {@linkcode advanceChain}. */
  index: number;
  /** Calibrated logit of the current state. */
  logit: number;
  /** Proposals offered to the chain (the start not included). */
  proposals: number;
  /** Proposals that replaced the state. */
  moves: number;
}

/** A chain starting at the proposal `index` whose calibrated logit is `logit`. */
export function startChain(index: number, logit: number): MhChain {
  return { index, logit, proposals: 0, moves: 0 };
}

/**
 * Offers proposals `offset .. offset + logits.length - 1` to the chain in order: proposal k
 * replaces the state when `draws[k] < mhAcceptProbability(state, logits[k])`. `draws` are
 * uniforms in [0, 1), one per logit. Mutates and returns `chain`.
 */
export function advanceChain(
  chain: MhChain,
  logits: ArrayLike<number>,
  draws: ArrayLike<number>,
  options: { offset?: number } = {},
): MhChain {
  if (draws.length < logits.length) {
    throw new RangeError(
      `Cannot advance the chain as 'draws' must hold one draw per logit: ${draws.length} < ${logits.length}`,
    );
  }
  const offset = options.offset ?? 0;
  for (let k = 0; k < logits.length; k++) {
    chain.proposals++;
    if (draws[k] < mhAcceptProbability(chain.logit, logits[k])) {
      chain.index = offset + k;
      chain.logit = logits[k];
      chain.moves++;
    }
  }
  return chain;
}
