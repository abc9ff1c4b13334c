/**
 * Publishing a version of a model in a temporary models folder the way the trainer does (files
 * written in a staging folder beside the versions, then renamed into place): a copy of the flat
 * version 1 with its gamma shifted, so each version samples differently.
 *
 * @module
 */

/** Options for {@linkcode publishVersion}. */
export interface PublishVersionOptions {
  /** Added to the manifest's gamma. @default {0.75 * (version - 1)} */
  gammaShift?: number;
  /** Flip a byte of `generator.onnx` (a corrupt version). @default {false} */
  corrupt?: boolean;
}

/** Publishes version `version` of `<dir>/<id>` as `<dir>/<id>/<version>/`; returns its folder. */
export async function publishVersion(
  dir: string,
  model: { id: string; version: number },
  options: PublishVersionOptions = {},
): Promise<string> {
  const { id, version } = model;
  const flat = `${dir}/${id}`;
  const staging = `${flat}/.staging-${version}`;
  await Deno.mkdir(staging);
  const manifest = JSON.parse(await Deno.readTextFile(`${flat}/manifest.json`));
  for (const entry of Object.values(manifest.files) as { path: string }[]) {
    const target = `${staging}/${entry.path}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(`${flat}/${entry.path}`, target);
  }
  if (options.corrupt) {
    const g = await Deno.readFile(`${staging}/generator.onnx`);
    g[g.length >> 1] ^= 0xff;
    await Deno.writeFile(`${staging}/generator.onnx`, g);
  }
  manifest.drs.gamma += options.gammaShift ?? 0.75 * (version - 1);
  await Deno.writeTextFile(`${staging}/manifest.json`, JSON.stringify(manifest, null, 2));
  await Deno.rename(staging, `${flat}/${version}`);
  return `${flat}/${version}`;
}

/**
 * Copies the flat version 1 of the model folder `source` to `target` (the numbered version
 * folders beside it stay behind): a models folder where tests publish versions 2, 3, ...
 */
export async function copyFlatVersion(source: string, target: string): Promise<void> {
  const copied = await new Deno.Command("cp", { args: ["-r", source, target] }).output();
  if (!copied.success) throw new Error(new TextDecoder().decode(copied.stderr));
  for await (const entry of Deno.readDir(target)) {
    if (/^[0-9]+$/.test(entry.name)) {
      await Deno.remove(`${target}/${entry.name}`, { recursive: true });
    }
  }
}
