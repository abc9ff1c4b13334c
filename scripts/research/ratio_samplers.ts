/**
 * RESEARCH SCRIPT (not production code; the serving sampler loop lives in one sampling core
 * elsewhere): offline comparison of samplers that read a discriminator logit, on a 2D model,
 * with the shipped D vs a ratio-estimator candidate (raw and calibrated).
 *
 * Samplers, all fed by the same proposal stream of a seed (G samples in order):
 * - raw G: the first N proposals;
 * - DRS (shared/drs.ts) at acceptance targets, gamma from the scorer's F quantile table
 *   (shared/calibration.ts, burn-in of 10,000 on latents apart from the evaluation's) and,
 *   as a check of the table, from all 10,000 burn-in F values;
 * - independent MH (shared/mh.ts), one chain per returned sample: K proposals per sample, the
 *   chain starting at the first of them, or starting at a DRS-accepted proposal (gamma for
 *   50% acceptance on the burn-in) and then offered K more.
 * Reported: high quality, modes, KL(mode histogram || uniform), G+D evaluations per returned
 * sample; per seed and as mean and sd over seeds.
 *
 *   deno run -A scripts/research/ratio_samplers.ts --base models/grid25 \
 *     --candidate .runs/grid25-ratio [--samples 20000] [--seeds 1,2,3,4,5] [--out DIR]
 *     [--targets 0.95,0.9,...] [--ks 2,4,8,16] [--tempers 0.5,0.25] [--caps 99,99.9]
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { openOnnxBackend } from "../../edge/backends/onnx_node.ts";
import type { Backend } from "../../edge/backends/mod.ts";
import { calibrateLogits, type Calibrator } from "../../shared/calibrator.ts";
import { calibrateDrs, gammaForAcceptance, percentile } from "../../shared/calibration.ts";
import { computeF, createDrsState, decideBatch } from "../../shared/drs.ts";
import { advanceChain, startChain } from "../../shared/mh.ts";
import { normals, uniforms } from "../../shared/rng.ts";
import { grid25 } from "../../train/data/gaussians.ts";
import { pointMetrics } from "../../train/evaluate/points.ts";
import { readModelFolder } from "../../train/ratio/_base_model.ts";
import { chooseCalibrator } from "../../train/ratio/choose_calibrator.ts";
import { ratioFakeSamples, ratioRealPoints } from "../../train/ratio/sources.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string", default: "models/grid25" },
    candidate: { type: "string" },
    samples: { type: "string", default: "20000" },
    seeds: { type: "string", default: "1,2,3,4,5" },
    out: { type: "string" },
    targets: { type: "string", default: "0.95,0.9,0.8,0.7,0.5,0.3,0.125" },
    ks: { type: "string", default: "2,4,8,16" },
    tempers: { type: "string", default: "" },
    caps: { type: "string", default: "" },
  },
});
if (!flags.candidate) throw new Error("Cannot run as '--candidate' is required: a model folder");
const N = Number(flags.samples);
const SEEDS = flags.seeds!.split(",").map(Number);
const ACCEPTANCE = flags.targets!.split(",").map(Number);
const KS = flags.ks!.split(",").filter((k) => k !== "").map(Number);
const MH_STREAM = 7; // uniform stream of MH decisions, apart from DRS's STREAM_ACCEPT
const MAX_EVALS = 40; // a sampler needing more G+D evaluations per sample is reported as such
const DRS_START_ACCEPTANCE = 0.5; // MH chains started by DRS use gamma for this acceptance
const BURN_IN_STREAM = 8; // latents of each scorer's DRS burn-in
const mix = grid25();

async function open(dir: string) {
  const folder = await readModelFolder(dir);
  const backend = await openOnnxBackend({
    latentDim: folder.manifest.latentDim,
    sampleShape: folder.manifest.sampleShape,
    readFile: (name) => Promise.resolve(folder.files[name]),
  });
  return { folder, backend };
}

const base = await open(flags.base!);
const cand = await open(flags.candidate);
const latentDim = base.folder.manifest.latentDim;
if (base.folder.files["generator.onnx"].join() !== cand.folder.files["generator.onnx"].join()) {
  throw new Error("Cannot compare as the two folders do not share generator.onnx");
}

/** A calibrator for the shipped D, fit like the candidate's (held-out sets of seed 1). */
async function baseCalibrator(backend: Backend): Promise<Calibrator> {
  const count = 32768, shape = { latentDim, seed: 1 };
  const set = async (stream: "calibrate" | "check") => ({
    real: await backend.discriminate(ratioRealPoints(mix, 1, { stream, start: 0, count }), count),
    fake: await backend.discriminate(
      await ratioFakeSamples(backend, shape, { stream, start: 0, count }),
      count,
    ),
  });
  return chooseCalibrator(await set("calibrate"), await set("check")).chosen;
}

interface Scorer {
  name: string;
  backend: Backend;
  calibrator: Calibrator;
  /** Cap calibrated logits at this percentile (0..100) of the scorer's own burn-in. */
  capPercentile?: number;
  /** The cap, set from the burn-in. */
  cap?: number;
}

/** A scorer's logits from raw ones: calibrated, then capped when it has a cap. */
function score(s: Scorer, raw: ArrayLike<number>): Float64Array {
  const out = calibrateLogits(raw, s.calibrator);
  if (s.cap !== undefined) {
    for (let i = 0; i < out.length; i++) {
      out[i] = Math.min(out[i], s.cap);
    }
  }
  return out;
}
const candScores = cand.folder.manifest.metrics?.calibration as
  | Record<string, { calibrator: Calibrator }>
  | undefined;
const scorers: Scorer[] = [
  { name: "shipped D", backend: base.backend, calibrator: { kind: "identity" } },
  {
    name: "shipped D + cal",
    backend: base.backend,
    calibrator: await baseCalibrator(base.backend),
  },
  { name: "ratio est", backend: cand.backend, calibrator: { kind: "identity" } },
  ...flags.caps!.split(",").filter((q) => q !== "").map(Number).map((q) => ({
    name: `ratio est capped at q${q}`,
    backend: cand.backend,
    calibrator: { kind: "identity" } as Calibrator,
    capPercentile: q,
  })),
  // Tempered ratios r^a (a < 1): no longer calibrated, a knob for the sampler's greed.
  ...flags.tempers!.split(",").filter((a) => a !== "").map(Number).map((a) => ({
    name: `ratio est tempered a=${a}`,
    backend: cand.backend,
    calibrator: { kind: "platt", a, b: 0 } as Calibrator,
  })),
  ...Object.entries(candScores ?? {}).filter(([k]) => k !== "identity").map(([k, s]) => ({
    name: `ratio est + ${k}`,
    backend: cand.backend,
    calibrator: s.calibrator,
  })),
];
console.error(`scorers: ${scorers.map((s) => `${s.name} (${s.calibrator.kind})`).join(", ")}`);

/** Logits of a scorer's burn-in (10,000 G samples on their own latent stream), as it scores. */
async function burnIn(s: Scorer): Promise<Float64Array> {
  const z = normals(0x5eed, { start: 0, count: 10_000, dim: latentDim }, {
    stream: BURN_IN_STREAM,
  });
  const logits = (await s.backend.run(z, 10_000)).logits;
  if (s.capPercentile !== undefined) {
    s.cap = percentile(calibrateLogits(logits, s.calibrator), s.capPercentile);
  }
  return score(s, logits);
}

/** Growable float arrays (capacity doubling) for the proposal stream. */
function grown<T extends Float32Array | Float64Array>(a: T, size: number): T {
  if (size <= a.length) return a;
  const out = new (a.constructor as new (n: number) => T)(Math.max(size, 2 * a.length));
  out.set(a);
  return out;
}

/**
 * The proposal stream of one seed, grown lazily: G samples, each scorer's calibrated logits,
 * and per proposal one DRS draw (STREAM_ACCEPT) and one MH draw (MH_STREAM).
 */
class Proposals {
  size = 0;
  x = new Float32Array(0);
  logits: Float64Array[] = scorers.map(() => new Float64Array(0));
  drsDraws = new Float64Array(0);
  mhDraws = new Float64Array(0);
  constructor(readonly seed: number) {}
  async ensure(n: number): Promise<void> {
    if (n <= this.size) return;
    if (n > MAX_EVALS * N) throw new RangeError(`more than ${MAX_EVALS} evaluations per sample`);
    const start = this.size, count = Math.max(n - start, 200_000);
    const z = normals(this.seed, { start, count, dim: latentDim }); // [count, latentDim]
    const x = await base.backend.generate(z, count); // [count, 2]
    this.x = grown(this.x, 2 * (start + count));
    this.x.set(x, 2 * start);
    for (let i = 0; i < scorers.length; i++) {
      const raw = await scorers[i].backend.discriminate(x, count);
      this.logits[i] = grown(this.logits[i], start + count);
      this.logits[i].set(score(scorers[i], raw), start);
    }
    this.drsDraws = grown(this.drsDraws, start + count);
    this.drsDraws.set(uniforms(this.seed, { start, count }), start);
    this.mhDraws = grown(this.mhDraws, start + count);
    this.mhDraws.set(uniforms(this.seed, { start, count }, { stream: MH_STREAM }), start);
    this.size = start + count;
  }
  points(indices: number[]): Float32Array {
    const out = new Float32Array(indices.length * 2);
    indices.forEach((k, j) => out.set(this.x.subarray(2 * k, 2 * k + 2), 2 * j));
    return out;
  }
}

type DrsConstants = { logM: number; gamma: number; epsilon: number };

/** The first `n` DRS-accepted proposal indices, with the proposals they cost. */
async function drs(
  p: Proposals,
  scorer: number,
  c: DrsConstants,
  n: number,
): Promise<{ kept: number[]; used: number }> {
  const state = createDrsState(c.logM);
  const kept: number[] = [];
  const batch = 20_000;
  for (let start = 0;; start += batch) {
    await p.ensure(start + batch);
    const logits = p.logits[scorer].subarray(start, start + batch);
    for (const i of decideBatch(logits, p.drsDraws.subarray(start, start + batch), state, c)) {
      kept.push(start + i);
      if (kept.length === n) return { kept, used: start + i + 1 };
    }
  }
}

/**
 * Independent MH chains, one per returned sample, over consecutive proposals: a chain starts
 * at the next proposal and is offered K - 1 more (K evaluations), or starts at the next
 * DRS-accepted proposal and is offered K more.
 */
async function mh(
  p: Proposals,
  scorer: number,
  options: { k: number; start: "proposal" | "drs"; drs: DrsConstants },
): Promise<{ kept: number[]; used: number }> {
  const kept: number[] = [];
  const state = createDrsState(options.drs.logM);
  let next = 0;
  for (let c = 0; c < N; c++) {
    let first = next;
    if (options.start === "drs") {
      for (;; first++) {
        await p.ensure(first + 1);
        const one = p.logits[scorer].subarray(first, first + 1);
        if (decideBatch(one, p.drsDraws.subarray(first, first + 1), state, options.drs).length) {
          break;
        }
      }
    }
    next = first + 1;
    const more = options.start === "proposal" ? options.k - 1 : options.k;
    await p.ensure(next + more);
    const chain = startChain(first, p.logits[scorer][first]);
    advanceChain(
      chain,
      p.logits[scorer].subarray(next, next + more),
      p.mhDraws.subarray(next, next + more),
      { offset: next },
    );
    next += more;
    kept.push(chain.index);
  }
  return { kept, used: next };
}

interface Row {
  scorer: string;
  sampler: string;
  seed: number;
  highQuality: number;
  modesCovered: number;
  kl: number;
  hqStd: number;
  evalsPerSample: number;
}
const rows: Row[] = [];
const t0 = performance.now();
const constants = await Promise.all(scorers.map(async (s) => {
  const logits = await burnIn(s);
  const c = calibrateDrs(logits);
  const f0 = Array.from(logits, (l) => computeF(l, c.logM, { epsilon: c.epsilon }));
  return { ...c, f0 };
}));
for (const seed of SEEDS) {
  const p = new Proposals(seed);
  await p.ensure(N);
  const add = (scorer: string, sampler: string, kept: number[], used: number) => {
    const m = pointMetrics(p.points(kept), mix).metrics;
    rows.push({ scorer, sampler, seed, ...m, evalsPerSample: used / kept.length });
  };
  add("-", "raw G", Array.from({ length: N }, (_, i) => i), N);
  for (let s = 0; s < scorers.length; s++) {
    const c = constants[s];
    const run = async (sampler: string, fn: () => Promise<{ kept: number[]; used: number }>) => {
      try {
        const r = await fn();
        add(scorers[s].name, sampler, r.kept, r.used);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        console.error(`${scorers[s].name} ${sampler}: skipped, ${error.message}`);
      }
    };
    // gamma for a target acceptance from the manifest-style table of 101 F quantiles, and
    // from all burn-in F values (the table misjudges heavy-tailed F: see the evals column).
    for (const target of ACCEPTANCE) {
      const gamma = gammaForAcceptance(target, c.fQuantiles);
      await run(`DRS ${target * 100}% (table)`, () => drs(p, s, { ...c, gamma }, N));
      const exact = gammaForAcceptance(target, c.f0);
      await run(`DRS ${target * 100}% (burn-in)`, () => drs(p, s, { ...c, gamma: exact }, N));
    }
    const startGamma = gammaForAcceptance(DRS_START_ACCEPTANCE, c.f0);
    for (const k of KS) {
      for (const start of ["proposal", "drs"] as const) {
        await run(
          `MH K=${k} start ${start}`,
          () => mh(p, s, { k, start, drs: { ...c, gamma: startGamma } }),
        );
      }
    }
  }
  console.error(`seed ${seed} done (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

/** Mean and sd over seeds for each (scorer, sampler). */
const groups = new Map<string, Row[]>();
for (const r of rows) {
  const key = `${r.scorer}|${r.sampler}`;
  groups.set(key, [...(groups.get(key) ?? []), r]);
}
const stat = (v: number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
  return { mean, sd };
};
const rawKl = stat(rows.filter((r) => r.sampler === "raw G").map((r) => r.kl));
const summary = [...groups.values()].map((g) => {
  const hq = stat(g.map((r) => r.highQuality)), kl = stat(g.map((r) => r.kl));
  const evals = stat(g.map((r) => r.evalsPerSample));
  const minModes = Math.min(...g.map((r) => r.modesCovered));
  // Target per seed: >= 99% HQ, 25 modes, KL <= raw G's KL (same seed) + 0.005, <= 8 evals.
  const perSeed = g.map((r) => {
    const raw = rows.find((q) => q.sampler === "raw G" && q.seed === r.seed)!;
    return r.highQuality >= 0.99 && r.modesCovered === 25 && r.kl <= raw.kl + 0.005 &&
      r.evalsPerSample <= 8;
  });
  return {
    scorer: g[0].scorer,
    sampler: g[0].sampler,
    seeds: g.length,
    highQuality: hq,
    kl,
    evalsPerSample: evals,
    minModes,
    meetsTargetSeeds: perSeed.filter(Boolean).length,
  };
});
const f = (s: { mean: number; sd: number }, scale: number, digits: number) =>
  `${(s.mean * scale).toFixed(digits)} ± ${(s.sd * scale).toFixed(digits)}`;
const md = [
  `Samplers on ${flags.base} G: ${N} returned samples per run, seeds ${SEEDS.join(", ")}; ` +
  `raw G KL ${f(rawKl, 1, 4)}. Target per seed: HQ >= 99%, 25 modes, KL <= raw KL (same seed) ` +
  `+ 0.005, <= 8 evaluations per sample.`,
  "",
  "| scorer | sampler | HQ % | min modes | KL | G+D evals / sample | target met (seeds) |",
  "|---|---|---:|---:|---:|---:|---:|",
  ...summary.map((s) =>
    `| ${s.scorer} | ${s.sampler} | ${f(s.highQuality, 100, 2)} | ${s.minModes} | ` +
    `${f(s.kl, 1, 4)} | ${f(s.evalsPerSample, 1, 2)} | ${s.meetsTargetSeeds}/${s.seeds} |`
  ),
].join("\n");
console.log(md);
if (flags.out) {
  await Deno.mkdir(flags.out, { recursive: true });
  await Deno.writeTextFile(
    join(flags.out, "evaluation.json"),
    JSON.stringify(
      {
        samples: N,
        seeds: SEEDS,
        scorers: scorers.map((s) => ({ name: s.name, calibrator: s.calibrator })),
        summary,
        rows,
      },
      null,
      2,
    ) + "\n",
  );
  await Deno.writeTextFile(join(flags.out, "evaluation.md"), md + "\n");
}
await base.backend.dispose();
await cand.backend.dispose();
