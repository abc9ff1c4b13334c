/**
 * Starts the real server the way the README does (`deno run -A edge/main.ts`) on a free port
 * and waits for `/readyz`. Shared by the benchmark and the end-to-end tests.
 *
 * @module
 */

import { spawnCollected } from "./child_process.ts";

/** A running server subprocess. */
export interface ServerProcess {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Process id of the server (for resident memory in `/proc/<pid>/status`). */
  pid: number;
  /** Everything the server printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Options for {@linkcode startServer}. */
export interface StartServerOptions {
  /** Extra environment (DRS_BACKEND, DRS_MODELS_DIR, ...). @default {{}} */
  env?: Record<string, string>;
  /** Milliseconds to wait for `/readyz`. @default {60000} */
  timeoutMs?: number;
  /** The checkout whose `edge/main.ts` runs (an A/B against another one). @default {this one} */
  root?: URL;
}

/** Spawns `deno run -A edge/main.ts` with `PORT=0` and resolves once it is ready. */
export async function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  const root = options.root ?? new URL("../", import.meta.url);
  const child = spawnCollected(
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "edge/main.ts"],
      cwd: root,
      env: { PORT: "0", HOSTNAME: "127.0.0.1", ...options.env },
      stdout: "piped",
      stderr: "piped",
    }),
  );
  const stop = async () => void await child.stop();
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let origin = "";
  while (Date.now() < deadline && !child.exited()) {
    const port = /listening on http:\/\/[^:]+:(\d+)\//.exec(child.output())?.[1];
    if (port) {
      origin = `http://127.0.0.1:${port}`;
      try {
        const res = await fetch(`${origin}/readyz`);
        await res.body?.cancel();
        if (res.status === 200) return { origin, pid: child.pid, log: child.output, stop };
      } catch {
        // Not accepting connections yet.
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`Cannot start the server: not ready in time. Its output:\n${child.output()}`);
}
