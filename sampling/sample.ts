/**
 * One request through the core: the sampler spec, the model as the core sees it, the decider a
 * request gets, `sample()`, and the burn-in scoring that calibration and diagnostics share.
 *
 * @module
 */

import type { Backend } from "../backends/mod.ts";
import type { Calibrator } from "../shared/calibrator.ts";
import type { LatentPrior } from "../shared/latent_prior.ts";
import { laneAcceptance, laneGamma } from "./_acceptance.ts";
import type { ClassPlan } from "./classes.ts";
import type { Decider } from "./decider.ts";
import { type BatchSizeOptions, COMPUTE_BOUND, type DrsConstants, drsDecider } from "./drs.ts";
import { mhDecider } from "./mh.ts";
import { rawDecider } from "./raw.ts";
import { type CoreModel, type CoreOptions, runSampler, type SampleResult } from "./sampler.ts";
import { scoreDecider } from "./score.ts";
/** Which sampler a request uses, with its parameters. */
export type SamplerSpec =
  /**
   * Discriminator Rejection Sampling at `gamma`, or at the gamma of a target `acceptance`
   * (through each class's F quantile table), or at the calibrated gamma (per class).
   */
  | { kind: "drs"; gamma?: number; acceptance?: number }
  /** Raw G: proposals 0..n-1. */
  | { kind: "raw" }
  /** Raw G on truncated latents: entries beyond |psi| redrawn (BigGAN's truncation trick). */
  | { kind: "truncation"; psi: number }
  /** Metropolis-Hastings GAN: an independent chain of `k` proposals per returned sample. */
  | { kind: "mh"; k: number };

/** A model's calibrated DRS constants (the manifest's `drs` block). */
export interface ModelDrs extends DrsConstants {
  gamma: number;
  /** One entry per class of a class-conditional model, in class order. */
  classes?: readonly (Omit<DrsConstants, "epsilon"> & { gamma: number })[];
}

/** What sampling needs to know about a model. */
export interface SamplerModel {
  backend: Backend;
  latentDim: number;
  sampleShape: readonly number[];
  drs: ModelDrs;
  /** Number of classes of a class-conditional model. @default {0} */
  classes?: number;
  /** The prior G's latents are drawn from. @default {{ kind: "normal" }} */
  latentPrior?: LatentPrior;
  /** A G+D call's fixed cost in proposals (`call_cost.ts`): sizes DRS rounds. @default {undefined} */
  callCost?: number;
  /**
   * Maps D's logit to a calibrated one (the manifest's calibrator): what DRS and MH read. The
   * model's `drs` constants are those of the calibrated logits. @default {identity}
   */
  calibrator?: Calibrator;
}

/** One sampling request. */
export interface SampleRequest {
  seed: number;
  n: number;
  sampler: SamplerSpec;
  /** The class asked for (class-conditional models): one drawn per proposal when absent. */
  label?: number;
}

/** Options for {@linkcode sample}: the core's bounds and the round sizes. */
export interface SamplerOptions extends CoreOptions, BatchSizeOptions {}

/** What {@linkcode modelOf} reads of a manifest: shapes, DRS constants, classes, calibrator. */
export interface ManifestLike {
  latentDim: number;
  sampleShape: readonly number[];
  drs: ModelDrs;
  classes?: readonly string[];
  calibrator?: Calibrator;
  latentPrior?: LatentPrior;
}

/** A model as the core sees it: a manifest's fields and the backend its files opened on. */
export function modelOf(manifest: ManifestLike, backend: Backend): SamplerModel {
  return {
    backend,
    latentDim: manifest.latentDim,
    sampleShape: manifest.sampleShape,
    drs: manifest.drs,
    classes: manifest.classes?.length ?? 0,
    calibrator: manifest.calibrator,
    ...(manifest.latentPrior ? { latentPrior: manifest.latentPrior } : {}),
  };
}

/** The DRS lanes of a model: its one set of constants, or one per class. */
export function drsLanes(model: SamplerModel): DrsConstants[] {
  const { drs } = model;
  return drs.classes ? drs.classes.map((c) => ({ ...c, epsilon: drs.epsilon })) : [drs];
}

/** gamma of each DRS lane for a request: explicit, from a target acceptance, or calibrated. */
export function drsGammas(
  model: SamplerModel,
  spec: { gamma?: number; acceptance?: number },
): number[] {
  const lanes = model.drs.classes ?? [model.drs];
  return lanes.map((lane) =>
    spec.gamma ??
      (spec.acceptance !== undefined ? laneGamma(lane.fQuantiles, spec.acceptance) : lane.gamma)
  );
}

/** The classes a request's proposals get, for a class-conditional model. */
function classPlan(model: SamplerModel, request: SampleRequest): ClassPlan | undefined {
  if (!model.classes) return undefined;
  return { count: model.classes, fixed: request.label, seed: request.seed };
}

/**
 * The acceptance a request should expect (the share of proposals returned), from the
 * calibration: what the server checks against its budget before any work.
 */
export function expectedRate(model: SamplerModel, request: SampleRequest): number {
  const spec = request.sampler;
  if (spec.kind === "mh") return 1 / spec.k;
  if (spec.kind !== "drs") return 1;
  const lanes = drsLanes(model), gammas = drsGammas(model, spec);
  const inPlay = request.label !== undefined ? [request.label] : lanes.map((_, k) => k);
  return inPlay.reduce((a, k) => a + laneAcceptance(lanes[k].fQuantiles, gammas[k]), 0) /
    inPlay.length;
}

/** The decider of a request's sampler. */
export function deciderFor(
  model: SamplerModel,
  request: SampleRequest,
  options: BatchSizeOptions = {},
): Decider {
  const sampleSize = model.sampleShape.reduce((a, b) => a * b, 1);
  const classes = classPlan(model, request);
  const spec = request.sampler;
  switch (spec.kind) {
    case "drs":
      return drsDecider(drsLanes(model), {
        ...options,
        callCost: options.callCost ?? model.callCost,
        gammas: drsGammas(model, spec),
        sampleSize,
        classes,
        calibrator: model.calibrator,
      });
    case "raw":
      return rawDecider(sampleSize, { classes });
    case "truncation":
      return rawDecider(sampleSize, { classes, psi: spec.psi });
    case "mh":
      return mhDecider({ k: spec.k, sampleSize, calibrator: model.calibrator, classes });
  }
}

/** Samples `request.n` outputs with the request's sampler; throws `BudgetExhaustedError` when it cannot. */
export async function sample(
  model: SamplerModel,
  request: SampleRequest,
  options: SamplerOptions = {},
): Promise<SampleResult> {
  const decider = deciderFor(model, request, options);
  return await runSampler(model, { seed: request.seed, n: request.n, decider }, {
    ...options,
    chunk: chunkFor(model, options),
  });
}

/** Proposals per G+D call within a round for a compute-bound model: few wasted past completion. */
export const COMPUTE_CHUNK = 16;

/**
 * The chunk size of a request: the configured one, and for a compute-bound model (its call
 * worth under `COMPUTE_BOUND` proposals) at most {@linkcode COMPUTE_CHUNK} times the call's
 * worth (at least one), so a round stops at most one small chunk past the sample that
 * completes it while the call's fixed cost stays a few percent.
 */
export function chunkFor(
  model: SamplerModel,
  options: { chunk?: number; callCost?: number },
): number | undefined {
  const cost = options.callCost ?? model.callCost;
  if (cost === undefined || !(cost < COMPUTE_BOUND)) return options.chunk;
  return Math.min(options.chunk ?? Infinity, Math.ceil(COMPUTE_CHUNK * Math.max(1, cost)));
}

/** Options for {@linkcode scoreProposals}. */
export interface ScoreOptions {
  /** Proposals per G+D call. @default {1024} */
  batch?: number;
}

/** Proposals with their logits. */
export interface ScoredProposals {
  /** G's samples: `// [count, ...sampleShape]` flattened. */
  x: Float32Array;
  /** D's logits: `// [count]`. */
  logits: Float32Array;
}

function scoreRun(
  model: Omit<CoreModel, "sampleShape"> & { classes?: number },
  range: { seed: number; count: number; label?: number },
  options: ScoreOptions & { sampleSize?: number },
): Promise<SampleResult> {
  const classes = model.classes
    ? { count: model.classes, fixed: range.label, seed: range.seed }
    : undefined;
  // The score decider sets its own row size: the model's sample shape does not matter here.
  return runSampler({ ...model, sampleShape: [] }, {
    seed: range.seed,
    n: range.count,
    decider: scoreDecider({ sampleSize: options.sampleSize, classes }),
  }, { budget: Infinity, deadlineMs: Infinity, chunk: options.batch ?? 1024 });
}

/**
 * D's logits of proposals `0 .. count - 1` of `seed` (a burn-in): `// [count]`, through the same
 * draws and G+D calls as serving; for a class-conditional model, all of class `label` (or
 * classes drawn per proposal when absent).
 */
export async function scoreProposals(
  model: Omit<CoreModel, "sampleShape"> & { classes?: number },
  range: { seed: number; count: number; label?: number },
  options: ScoreOptions = {},
): Promise<Float32Array> {
  return (await scoreRun(model, range, options)).x;
}

/** Proposals `0 .. count - 1` of `seed` with their logits (figures, diagnostics). */
export async function scoredProposals(
  model: CoreModel & { classes?: number },
  range: { seed: number; count: number; label?: number },
  options: ScoreOptions = {},
): Promise<ScoredProposals> {
  const sampleSize = model.sampleShape.reduce((a, b) => a * b, 1);
  const rows = (await scoreRun(model, range, { ...options, sampleSize })).x;
  const x = new Float32Array(range.count * sampleSize);
  const logits = new Float32Array(range.count);
  for (let i = 0; i < range.count; i++) {
    const row = rows.subarray(i * (sampleSize + 1), (i + 1) * (sampleSize + 1));
    x.set(row.subarray(0, sampleSize), i * sampleSize);
    logits[i] = row[sampleSize];
  }
  return { x, logits };
}
