/**
 * Runs a test module in its own `deno test` process. onnxruntime-node keeps one native
 * environment per process and destroys it with the first isolate that loaded it ("OrtEnv
 * already destroyed"), while `deno test` runs every module in its own isolate of one process.
 * So a module that loads onnxruntime-node in-process registers its tests through
 * {@linkcode isolatedTest}: in the shared run they become one proxy test that spawns
 * `deno test <module>` and passes on its output.
 *
 * @module
 */

const CHILD_ENV = "DRS_ISOLATED_TEST_MODULE";

/** Registers tests of `moduleUrl` so that they run in a process of their own. */
export function isolatedTest(
  moduleUrl: string,
): (name: string, fn: () => void | Promise<void>) => void {
  const path = new URL(moduleUrl).pathname;
  if (Deno.env.get(CHILD_ENV) === path) {
    return (name, fn) => Deno.test(name, fn);
  }
  const file = path.split("/").slice(-2).join("/");
  Deno.test(`${file} (in its own process: onnxruntime-node allows one isolate)`, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", "--no-check", path],
      env: { [CHILD_ENV]: path, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    const lines = text.split("\n").filter((l) =>
      /^\s{2}\S|\.\.\. (ok|FAILED)|^(ok|FAILED) \|/.test(l)
    );
    console.log(lines.join("\n"));
    if (out.code !== 0) {
      throw new Error(
        `'${file}' failed in its own process (exit ${out.code}):\n${text.slice(-6000)}`,
      );
    }
  });
  return () => {};
}
