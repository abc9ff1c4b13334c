/**
 * Starts a built Worker (`deno task build:worker`) in workerd, Cloudflare's runtime from the
 * `workerd` npm package, on a free loopback port, and waits until it answers. Shared by the
 * Worker benchmark and `tests/workerd_test.ts`.
 *
 * @module
 */

import workerd from "workerd";
import { spawnCollected } from "./child_process.ts";

/** A running workerd process. */
export interface WorkerdProcess {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The workerd process id (for its memory use). */
  pid: number;
  /** Everything workerd printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Options for {@linkcode startWorkerd}. */
export interface StartWorkerdOptions {
  /** Environment the Worker's `fromEnvironment` bindings read. @default {{}} */
  env?: Record<string, string>;
  /** Path polled until it answers 200. @default {"/readyz"} */
  readyPath?: string;
  /** Status that counts as ready (503 for a Worker started without its secrets). @default {200} */
  readyStatus?: number;
  /** Milliseconds to wait for it. @default {30000} */
  timeoutMs?: number;
}

/** Absolute path of the workerd binary for this platform. */
export function workerdBinary(): string {
  return (workerd as unknown as { default: string }).default;
}

/** A port free on loopback right now (closed again for the caller to bind). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Runs `workerd serve <dir>/worker.capnp` on a free port and resolves once it answers. */
export async function startWorkerd(
  dir: string,
  options: StartWorkerdOptions = {},
): Promise<WorkerdProcess> {
  const port = freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawnCollected(
    new Deno.Command(workerdBinary(), {
      args: ["serve", "worker.capnp", "--socket-addr", `http=127.0.0.1:${port}`],
      cwd: dir,
      env: options.env ?? {},
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
  );
  const stop = async () => void await child.stop();
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline && !child.exited()) {
    try {
      const res = await fetch(`${origin}${options.readyPath ?? "/readyz"}`);
      await res.body?.cancel();
      if (res.status === (options.readyStatus ?? 200)) {
        return {
          origin,
          pid: child.pid,
          log: child.output,
          stop,
        };
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`Cannot start workerd: not ready in time. Its output:\n${child.output()}`);
}
