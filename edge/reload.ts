/**
 * Hot reload: what asks the registry to look at its source again (an operator's `SIGHUP`,
 * `POST /v1/admin/reload`, a poll every `DRS_MODELS_POLL_S` seconds) and the one line each pass
 * logs. The registry does the work (`edge/versions/`): new and changed versions load in the
 * background while the current ones serve, and swap in when ready.
 *
 * @module
 */

import type { Registry, ReloadReport } from "./registry.ts";

/** What started a reload (for the log line). */
export type ReloadTrigger = "start" | "signal" | "admin" | "poll";

/** Options for {@linkcode createReloader}. */
export interface ReloaderOptions {
  /** Seconds between polls of the source; absent or 0, no polling. @default {undefined} */
  pollSeconds?: number;
  /** Where the summary lines go. @default {console} */
  log?: Pick<Console, "log" | "warn">;
}

/** Reloads on demand and, when configured, on a timer. */
export interface Reloader {
  /** One pass (shared with one already queued); resolves with what changed. */
  reload(trigger: ReloadTrigger): Promise<ReloadReport>;
  /** Stops polling. */
  stop(): void;
}

/** One line for a pass: what loaded, what was refused and what was retired. */
export function reloadSummary(trigger: ReloadTrigger, report: ReloadReport): string {
  const ref = (r: { id: string; version: number }) => `${r.id} v${r.version}`;
  const parts = [
    report.loaded.length ? `loaded ${report.loaded.map(ref).join(", ")}` : "",
    report.failed.length ? `refused ${report.failed.map(ref).join(", ")}` : "",
    report.retired.length ? `retired ${report.retired.map(ref).join(", ")}` : "",
    report.errors.length ? `source errors: ${report.errors.map((e) => e.message).join("; ")}` : "",
  ].filter(Boolean);
  return `Reload (${trigger}): ${parts.join("; ") || "no change"}`;
}

/** A reloader over `registry`. */
export function createReloader(registry: Registry, options: ReloaderOptions = {}): Reloader {
  const log = options.log ?? console;
  const reload = async (trigger: ReloadTrigger) => {
    // A poll only retries a refused version once its files changed; an operator's reload
    // retries it anyway (the cause may have been outside the files).
    const report = await registry.load({ retryFailed: trigger !== "poll" });
    const quiet = trigger === "poll" && !report.loaded.length && !report.failed.length &&
      !report.retired.length && !report.errors.length;
    if (!quiet) (report.failed.length ? log.warn : log.log)(reloadSummary(trigger, report));
    return report;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const seconds = options.pollSeconds ?? 0;
  const schedule = () => {
    if (stopped || !(seconds > 0)) return;
    timer = setTimeout(async () => {
      await reload("poll");
      schedule();
    }, seconds * 1000);
  };
  schedule();
  return {
    reload,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
