/**
 * Starts the real edge server (`deno run -A edge/main.ts`, as the README does) on a free
 * port with the given env, waits until `/readyz` answers 200, and stops it.
 *
 * @module
 */

const ROOT = new URL("..", import.meta.url).pathname;

/** A running server. */
export interface RunningServer {
  origin: string;
  /** Stops the server and returns its output (for failure messages). */
  stop(): Promise<string>;
}

/** Starts the server with `env` (PORT is chosen here) and waits for readiness. */
export async function startServer(
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<RunningServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "edge/main.ts"],
    cwd: ROOT,
    env: { ...env, PORT: "0", HOSTNAME: "127.0.0.1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += decoder.decode(chunk, { stream: true });
  };
  const done = Promise.all([collect(child.stdout), collect(child.stderr)]);
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already exited */ }
    await child.status;
    await done;
    return output;
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    const port = /listening on http:\/\/[^:]+:(\d+)\//.exec(output)?.[1];
    if (port) {
      const origin = `http://127.0.0.1:${port}`;
      const ready = await fetch(`${origin}/readyz`).then(async (r) => {
        await r.body?.cancel();
        return r.status === 200;
      }).catch(() => false);
      if (ready) return { origin, stop };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Cannot start the edge server within the timeout; output:\n${await stop()}`);
}
