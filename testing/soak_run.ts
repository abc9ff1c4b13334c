/**
 * Steady load for a while, sampling the server's resident memory every few seconds; the
 * verdict compares the level just after warm-up with the level at the end.
 *
 * @module
 */

import { type LoadResult, runLoad } from "./load_gen.ts";
import { readRssMiB, rssCsv, rssPng, type RssSample, type RssVerdict, rssVerdict } from "./rss.ts";

/** Options for {@linkcode runSoak}. */
export interface SoakOptions {
  model: string;
  /** Seconds of load. @default {300} */
  seconds?: number;
  /** Concurrent connections (below the server's limit: steady, not overloaded). @default {16} */
  connections?: number;
  /** Seconds between RSS samples. @default {5} */
  every?: number;
  /** Seconds of warm-up before the baseline. @default {60} */
  warmup?: number;
  /** Seconds averaged for the baseline and for the final level. @default {30} */
  window?: number;
}

/** What a soak measured. */
export interface SoakResult {
  samples: RssSample[];
  load: LoadResult;
  verdict: RssVerdict;
  warmup: number;
}

/** Loads `server` for `seconds` while sampling its RSS. */
export async function runSoak(
  server: { origin: string; pid: number },
  options: SoakOptions,
): Promise<SoakResult> {
  const seconds = options.seconds ?? 300;
  const every = options.every ?? 5;
  const warmup = options.warmup ?? 60;
  const samples: RssSample[] = [];
  let answered = 0;
  const t0 = performance.now();
  const sample = async () => {
    samples.push({
      seconds: (performance.now() - t0) / 1000,
      rssMiB: await readRssMiB(server.pid),
      answered,
    });
  };
  await sample();
  const timer = setInterval(() => void sample().catch(() => {}), every * 1000);
  let load: LoadResult;
  try {
    load = await runLoad(server.origin, {
      model: options.model,
      connections: options.connections ?? 16,
      seconds,
      onProgress: (n) => (answered = n),
    });
  } finally {
    clearInterval(timer);
  }
  answered = load.requests;
  await sample();
  const verdict = rssVerdict(samples, { warmup, window: options.window ?? 30 });
  return { samples, load, verdict, warmup };
}

/** Writes `soak.csv`, `soak.png` and `soak.json` under `dir`; returns their paths. */
export async function writeSoakFiles(
  dir: string,
  result: SoakResult,
  meta: Record<string, unknown> = {},
): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const { verdict, load } = result;
  const title = `RSS UNDER LOAD: ${verdict.growthPercent >= 0 ? "+" : ""}${
    verdict.growthPercent.toFixed(1)
  }% AFTER WARM-UP`;
  const paths = [`${dir}/soak.csv`, `${dir}/soak.png`, `${dir}/soak.json`];
  await Deno.writeTextFile(paths[0], rssCsv(result.samples));
  await Deno.writeFile(paths[1], rssPng(result.samples, { warmup: result.warmup, title }));
  await Deno.writeTextFile(
    paths[2],
    JSON.stringify({ ...meta, warmupSeconds: result.warmup, verdict, load }, null, 2) + "\n",
  );
  return paths;
}
