/**
 * A spawned process whose stdout and stderr are collected as text, with a `stop()` that sends
 * SIGTERM (when still running) and waits for the process and its output. Shared by the bench and
 * test helpers that start servers (Deno, `deno serve`, workerd).
 *
 * @module
 */

/** A running child with its collected output. */
export interface CollectedChild {
  pid: number;
  /** Everything the child wrote to stdout and stderr so far. */
  output(): string;
  /** True once the child exited. */
  exited(): boolean;
  /** SIGTERM when running, then waits for exit and for the output; returns the output. */
  stop(): Promise<string>;
}

/** Spawns `command` (its stdout and stderr must be "piped") and collects its output. */
export function spawnCollected(command: Deno.Command): CollectedChild {
  const child = command.spawn();
  let text = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) text += chunk;
  };
  const drained = Promise.all([collect(child.stdout), collect(child.stderr)]);
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));
  return {
    pid: child.pid,
    output: () => text,
    exited: () => exited,
    async stop() {
      if (!exited) {
        try {
          child.kill("SIGTERM");
        } catch { /* exited meanwhile */ }
      }
      await status;
      await drained;
      return text;
    },
  };
}
