import { advanceChain, mhAcceptProbability, startChain } from "./mh.ts";
import { sigmoid } from "./drs.ts";
import { uniforms } from "./rng.ts";
import { assertAlmostEquals, assertClose, assertEquals, assertThrows } from "./_test_utils.ts";

Deno.test("mhAcceptProbability() equals min(1, (1/D(x) - 1) / (1/D(x') - 1)) from probabilities", () => {
  for (const [l, lp] of [[0.3, -1.2], [-2, 1], [4, 4], [1.5, 1.49], [-6, -7.5], [2, -9]]) {
    const d = sigmoid(l), dp = sigmoid(lp);
    const expected = Math.min(1, (1 / d - 1) / (1 / dp - 1));
    assertClose(mhAcceptProbability(l, lp), expected, { rel: 1e-12 });
  }
});

Deno.test("mhAcceptProbability() handles extreme and non-finite logits without NaN", () => {
  assertEquals(mhAcceptProbability(0, NaN), 0);
  assertEquals(mhAcceptProbability(0, Infinity), 0);
  assertEquals(mhAcceptProbability(-Infinity, 3), 1);
  assertEquals(mhAcceptProbability(NaN, 3), 1);
  assertEquals(mhAcceptProbability(-Infinity, -Infinity), 0);
  assertEquals(mhAcceptProbability(2, -Infinity), 0);
  assertEquals(mhAcceptProbability(Infinity, 5), 0);
  assertEquals(mhAcceptProbability(800, -800), 0); // exp(-1600) underflows to 0, not NaN
  assertEquals(mhAcceptProbability(-800, 800), 1);
});

Deno.test("mhAcceptProbability() gives the independence sampler stationary law q_i * exp(l_i)", () => {
  // Proposal law q over four states with logits l: pi P must equal pi for pi ~ q * exp(l).
  const q = [0.1, 0.2, 0.3, 0.4], l = [1.2, -0.3, 0.5, -2];
  const w = q.map((qi, i) => qi * Math.exp(l[i]));
  const pi = w.map((v) => v / w.reduce((a, b) => a + b, 0));
  const next = new Array(4).fill(0);
  for (let i = 0; i < 4; i++) {
    let stay = 1;
    for (let j = 0; j < 4; j++) {
      if (j === i) continue;
      const move = q[j] * mhAcceptProbability(l[i], l[j]);
      next[j] += pi[i] * move;
      stay -= move;
    }
    next[i] += pi[i] * stay;
  }
  for (let i = 0; i < 4; i++) assertAlmostEquals(next[i], pi[i], 1e-12, `state ${i}`);
});

Deno.test("advanceChain() takes proposal k when draws[k] < min(1, exp(l_k - l_state))", () => {
  const chain = startChain(0, 0);
  // k=0: p = exp(-1) ~ 0.368 vs 0.5: stay. k=1: p = 1: move. k=2: p = exp(-0.5) ~ 0.607 vs 0.6:
  // move. k=3: p = exp(-3) vs 0.9: stay.
  advanceChain(chain, [-1, 2, 1.5, -1.5], [0.5, 0.99, 0.6, 0.9], { offset: 10 });
  assertEquals(chain, { index: 12, logit: 1.5, proposals: 4, moves: 2 });
  assertThrows(() => advanceChain(chain, [1, 2], [0.5]), RangeError, "one draw per logit");
});

Deno.test("advanceChain() over many proposals samples the reweighted law q * exp(l)", () => {
  // Two proposal states with equal probability; state 1 has logit log(3): the chain should sit
  // there 3 times as often. Many independent short chains, each K = 40 proposals.
  const chains = 20_000, k = 40;
  const states = uniforms(11, { start: 0, count: chains * (k + 1) }, { stream: 5 });
  const draws = uniforms(11, { start: 0, count: chains * k });
  const logitOf = (u: number) => (u < 0.5 ? 0 : Math.log(3));
  let inOne = 0;
  for (let c = 0; c < chains; c++) {
    const base = c * (k + 1);
    const chain = startChain(base, logitOf(states[base]));
    const logits = Array.from({ length: k }, (_, j) => logitOf(states[base + 1 + j]));
    advanceChain(chain, logits, draws.subarray(c * k, (c + 1) * k));
    if (chain.logit > 0) inOne++;
  }
  // Expected share 0.75; binomial sd sqrt(0.75 * 0.25 / 20000) ~ 0.003.
  assertAlmostEquals(inOne / chains, 0.75, 0.012);
});
