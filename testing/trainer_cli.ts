/** Runs the trainer CLI (`deno run -A train/cli.ts ...`) from the repository root. */

/** The repository root as a path. */
export const ROOT = new URL("..", import.meta.url).pathname;

/** Exit code and decoded output of one trainer CLI run. */
export async function trainer(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "train/cli.ts", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}
