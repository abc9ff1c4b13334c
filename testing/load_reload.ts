/**
 * The load phase across reloads (`deno task bench:load --reload-every S`): the real server on a
 * copy of the model in a temporary models folder, autocannon below the limit, and every S
 * seconds a new version published beside the others (written beside, renamed into place) and
 * loaded by a reload, alternately on `SIGHUP` and `POST /v1/admin/reload`. With
 * `DRS_KEEP_VERSIONS=2` each reload also retires the oldest version while requests run on it.
 * The server first loads a second version (so the kept versions are in memory) and serves a
 * warm-up of the same load without reloads: its throughput is the side-by-side reference, and
 * the resident memory at rest after it is the baseline (the heap of a fresh server grows under
 * traffic for a while, reloads or not). Then the load runs with reloads. Measured: every
 * answer's status, how long each new version took to be served, and the resident memory at
 * rest after the last reload against the baseline.
 *
 * @module
 */

import { copyFlatVersion, publishVersion } from "./model_versions.ts";
import { type LoadResult, runLoad } from "./load_gen.ts";
import { readRssMiB } from "./rss.ts";
import { startServer } from "./server_process.ts";

/** Options for {@linkcode runReloadPhase}. */
export interface ReloadPhaseOptions {
  /** Folder holding the model folder to copy. */
  models: string;
  model: string;
  /** Server environment (backend, limits, where G+D run). */
  env: Record<string, string>;
  connections: number;
  seconds: number;
  /** Seconds between reloads. */
  every: number;
  /** Reloads after warm-up: those that do not fit in the load run follow it. @default {10} */
  reloads?: number;
  /** Seconds of load without reloads before the baseline. @default {seconds} */
  warmup?: number;
}

/** Resident memory at rest, in MiB. */
export interface ReloadRss {
  /** After start-up and the first reload (the kept versions loaded), before any load. */
  initialMiB: number;
  /** After the warm-up load without reloads (the baseline). */
  baselineMiB: number;
  /** After the last reload, at rest. */
  endMiB: number;
  /** Highest sample during the run. */
  maxMiB: number;
  /** (end - baseline) / baseline, in percent. */
  growthPercent: number;
}

/** What the phase measured. */
export interface ReloadPhaseResult extends LoadResult {
  /** The warm-up: the same load on the same server without reloads. */
  steady: LoadResult;
  reloads: {
    count: number;
    /** Reloads that happened while the load ran. */
    underLoad: number;
    bySignal: number;
    byAdmin: number;
    /** Milliseconds from the trigger until `/v1/models/:id` lists the version ready. */
    readyMs: { p50: number; max: number };
    /** Retired versions the server reported disposed (their last request done). */
    disposed: number;
  };
  rss: ReloadRss;
}

const TOKEN = "bench-reload-admin-token-0123456789abcdef";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function restingRss(pid: number): Promise<number> {
  await sleep(1500);
  let sum = 0;
  for (let i = 0; i < 5; i++) {
    sum += await readRssMiB(pid);
    await sleep(200);
  }
  return sum / 5;
}

/** Runs the phase on a fresh server; throws when a version does not become ready in time. */
export async function runReloadPhase(options: ReloadPhaseOptions): Promise<ReloadPhaseResult> {
  const { model } = options;
  const dir = await Deno.makeTempDir({ prefix: "drs_bench_reload_" });
  await copyFlatVersion(`${options.models}/${model}`, `${dir}/${model}`);
  const server = await startServer({
    env: {
      ...options.env,
      DRS_MODELS_DIR: dir,
      DRS_ADMIN_TOKEN: TOKEN,
      DRS_KEEP_VERSIONS: "2",
    },
  });
  let version = 1;
  const readyMs: number[] = [];
  const counts = { bySignal: 0, byAdmin: 0 };
  const reload = async () => {
    version++;
    await publishVersion(dir, { id: model, version }, { gammaShift: 0 });
    const started = performance.now();
    if (version % 2 === 0) {
      Deno.kill(server.pid, "SIGHUP");
      counts.bySignal++;
    } else {
      const res = await fetch(`${server.origin}/v1/admin/reload`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      await res.body?.cancel();
      if (res.status !== 200) throw new Error(`POST /v1/admin/reload answered ${res.status}`);
      counts.byAdmin++;
    }
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(20)) {
      const info = await (await fetch(`${server.origin}/v1/models/${model}`)).json();
      if (info.version === version) return void readyMs.push(performance.now() - started);
    }
    throw new Error(`Version ${version} of '${model}' was not served within 30 s`);
  };
  try {
    await reload();
    const initialMiB = await restingRss(server.pid);
    const steady = await runLoad(server.origin, {
      model,
      connections: options.connections,
      seconds: options.warmup ?? options.seconds,
    });
    const baselineMiB = await restingRss(server.pid);
    let maxMiB = baselineMiB;
    const sampler = setInterval(async () => {
      maxMiB = Math.max(maxMiB, await readRssMiB(server.pid).catch(() => 0));
    }, 1000);
    let loading = true;
    let underLoad = 0;
    const target = options.reloads ?? 10;
    const reloads = (async () => {
      // On a clock, half a period in: ten reloads every 3 s all land within a 30 s run.
      const started = performance.now();
      while (loading && underLoad < target) {
        await sleep(started + (underLoad + 0.5) * options.every * 1000 - performance.now());
        if (!loading) break;
        await reload();
        underLoad++;
      }
    })();
    let result: LoadResult;
    try {
      result = await runLoad(server.origin, {
        model,
        connections: options.connections,
        seconds: options.seconds,
      });
    } finally {
      loading = false;
      await reloads;
      clearInterval(sampler);
    }
    for (let k = underLoad; k < target; k++) await reload();
    const endMiB = await restingRss(server.pid);
    const sorted = [...readyMs].sort((a, b) => a - b);
    const disposed = server.log().match(/Disposed model '[^']+' version \d+/g)?.length ?? 0;
    return {
      ...result,
      steady,
      reloads: {
        count: readyMs.length,
        underLoad,
        ...counts,
        readyMs: {
          p50: Math.round(sorted[Math.floor(sorted.length / 2)]),
          max: Math.round(sorted[sorted.length - 1]),
        },
        disposed,
      },
      rss: {
        initialMiB,
        baselineMiB,
        endMiB,
        maxMiB,
        growthPercent: ((endMiB - baselineMiB) / baselineMiB) * 100,
      },
    };
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
