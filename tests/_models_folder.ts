/**
 * A temporary models folder for the deployment tests: a copy of the shipped grid25 model when
 * present, else the small generated one of `_worker_fixture.ts` (written by a subprocess so
 * TF.js stays out of the test process).
 *
 * @module
 */

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** A folder holding one model. */
export interface ModelsFolder {
  dir: string;
  id: string;
  kind: "points2d" | "image";
}

/** Makes the folder; remove `dir` when done. */
export async function modelsFolder(): Promise<ModelsFolder> {
  const dir = await Deno.makeTempDir({ prefix: "drs_deploy_models_" });
  const shipped = new URL("models/grid25/", ROOT);
  let id = "grid25";
  if (await Deno.stat(new URL("manifest.json", shipped)).then(() => true, () => false)) {
    const copied = await new Deno.Command("cp", { args: ["-r", shipped.pathname, `${dir}/grid25`] })
      .output();
    assert.equal(copied.code, 0, new TextDecoder().decode(copied.stderr));
  } else {
    const made = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "tests/_worker_fixture.ts", dir],
      cwd: ROOT,
    }).output();
    assert.equal(made.code, 0, new TextDecoder().decode(made.stderr));
    id = new TextDecoder().decode(made.stdout).trim().split("\n").pop()!;
  }
  const manifest = JSON.parse(await Deno.readTextFile(`${dir}/${id}/manifest.json`));
  return { dir, id, kind: manifest.kind };
}
