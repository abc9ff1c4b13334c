/**
 * Temporary models folders for the deployment tests: a copy of one shipped model, or the small
 * generated one of `worker_fixture.ts` when none ships (written by a subprocess so TF.js stays
 * out of the test process).
 *
 * @module
 */

import assert from "node:assert/strict";
import { copyFlatVersion } from "./model_versions.ts";

const ROOT = new URL("../", import.meta.url);

/** A folder holding one model. */
export interface ModelsFolder {
  dir: string;
  id: string;
  kind: "points2d" | "image";
}

/** Shipped models (folders under `models/` with the TF.js files the Worker needs). */
export async function shippedModels(): Promise<string[]> {
  const ids: string[] = [];
  for (const id of ["grid25", "mnist", "fashion"]) {
    const file = new URL(`models/${id}/tfjs/generator/weights.bin`, ROOT);
    if (await Deno.stat(file).then(() => true, () => false)) ids.push(id);
  }
  return ids;
}

/**
 * Makes the folder with a copy of shipped model `id` (its flat version 1: tests publish later
 * versions themselves; with `shippedVersions`, the shipped numbered versions too), or the
 * generated one; remove `dir` after.
 */
export async function modelsFolder(
  id?: string,
  options: { shippedVersions?: boolean } = {},
): Promise<ModelsFolder> {
  const dir = await Deno.makeTempDir({ prefix: "drs_deploy_models_" });
  if (id) {
    const shipped = new URL(`models/${id}/`, ROOT).pathname;
    if (options.shippedVersions) {
      // The whole folder: version 1 and the numbered versions shipped beside it.
      const copied = await new Deno.Command("cp", { args: ["-r", shipped, `${dir}/${id}`] })
        .output();
      assert.ok(copied.success, new TextDecoder().decode(copied.stderr));
    } else {
      await copyFlatVersion(shipped, `${dir}/${id}`);
    }
  } else {
    const made = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "testing/worker_fixture.ts", dir],
      cwd: ROOT,
    }).output();
    assert.equal(made.code, 0, new TextDecoder().decode(made.stderr));
    id = new TextDecoder().decode(made.stdout).trim().split("\n").pop()!;
  }
  const manifest = JSON.parse(await Deno.readTextFile(`${dir}/${id}/manifest.json`));
  return { dir, id, kind: manifest.kind };
}
