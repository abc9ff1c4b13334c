/**
 * Starts the real server the way the README does (`deno run -A edge/main.ts`) on a free port
 * and waits for `/readyz`. Shared by the benchmark and the end-to-end tests.
 *
 * @module
 */

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
}

/** Spawns `deno run -A edge/main.ts` with `PORT=0` and resolves once it is ready. */
export async function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  const root = new URL("../", import.meta.url);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "edge/main.ts"],
    cwd: root,
    env: { PORT: "0", HOSTNAME: "127.0.0.1", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) text += chunk;
  };
  const drained = Promise.all([collect(child.stdout), collect(child.stderr)]);
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));
  const stop = async () => {
    if (!exited) child.kill("SIGTERM");
    await status;
    await drained;
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let origin = "";
  while (Date.now() < deadline && !exited) {
    const port = /listening on http:\/\/[^:]+:(\d+)\//.exec(text)?.[1];
    if (port) {
      origin = `http://127.0.0.1:${port}`;
      try {
        const res = await fetch(`${origin}/readyz`);
        await res.body?.cancel();
        if (res.status === 200) return { origin, pid: child.pid, log: () => text, stop };
      } catch {
        // Not accepting connections yet.
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`Cannot start the server: not ready in time. Its output:\n${text}`);
}
