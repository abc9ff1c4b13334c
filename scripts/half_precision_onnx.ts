/**
 * `deno run -A scripts/half_precision_onnx.ts --model DIR`: stores a model version's ONNX
 * weights in half precision where that loses nothing (`halfPrecisionInitializers`), checks
 * through ONNX Runtime that G's samples and D's logits are bit for bit the same on a probe
 * batch, then rewrites the files and the manifest's hashes. A version whose weights are not
 * exact in half precision (an fp32 import) is left as it is. It rewrites a published version
 * in place: run it offline, not beside a server that may reload the folder meanwhile.
 *
 * @module
 */

import { join } from "node:path";
import { openOnnxBackend } from "../backends/onnx_node.ts";
import { normals } from "../shared/rng.ts";
import { type Manifest, parseManifestText } from "../shared/manifest.ts";
import { fileEntry, halfPrecisionInitializers } from "../train/export/mod.ts";

const HELP = `Store a model version's ONNX weights in half precision where that loses nothing.

usage: deno run -A scripts/half_precision_onnx.ts --model DIR

Checks G's samples and D's logits bit for bit on 256 probe latents through ONNX Runtime
before it rewrites the files and the manifest's hashes.`;

/** G's samples and D's logits on probe latents: G then D, and the fused sampler when shipped. */
async function probe(manifest: Manifest, files: Record<string, Uint8Array>): Promise<number[]> {
  const classes = manifest.classes?.length ?? 0, n = 256;
  const out: number[] = [];
  for (const fused of "sampler.onnx" in files ? [false, true] : [false]) {
    const backend = await openOnnxBackend({
      latentDim: manifest.latentDim,
      sampleShape: manifest.sampleShape,
      classes,
      readFile: (name) => Promise.resolve(files[name]),
    }, { fused });
    try {
      const z = normals(11, { start: 0, count: n, dim: manifest.latentDim }); // [n, latentDim]
      const labels = classes ? Int32Array.from({ length: n }, (_, i) => i % classes) : undefined;
      const result = await backend.run(z, n, labels ? { classes: labels } : {});
      out.push(...result.x, ...result.logits);
    } finally {
      await backend.dispose();
    }
  }
  return out;
}

async function main(args: string[]): Promise<number> {
  if (args.includes("--help")) {
    console.log(HELP);
    return 0;
  }
  const at = args.indexOf("--model");
  const dir = at >= 0 ? args[at + 1] : undefined;
  if (!dir || args.length !== 2) {
    console.error(
      `Cannot convert as it takes '--model DIR' alone: current arguments are '${args.join(" ")}'`,
    );
    return 2;
  }
  const path = join(dir, "manifest.json");
  const text = await Deno.readTextFile(path);
  const manifest = parseManifestText(text, { source: path });
  const before: Record<string, Uint8Array> = {}, after: Record<string, Uint8Array> = {};
  let converted = 0;
  for (const [name, entry] of Object.entries(manifest.files)) {
    if (!name.endsWith(".onnx")) continue;
    before[name] = await Deno.readFile(join(dir, entry.path));
    const result = halfPrecisionInitializers(before[name]);
    after[name] = result.bytes;
    converted += result.converted;
  }
  if (converted === 0) {
    console.log(`${dir}: no weight is exact in half precision; nothing changed`);
    return 0;
  }
  const [a, b] = [await probe(manifest, before), await probe(manifest, after)];
  const changed = a.filter((v, i) => !Object.is(v, b[i])).length;
  if (a.length !== b.length || changed > 0) {
    console.error(
      `Cannot convert '${dir}' as ${changed} of ${a.length} output values would change; ` +
        "nothing changed",
    );
    return 1;
  }
  const json = JSON.parse(text);
  for (const [name, bytes] of Object.entries(after)) {
    const target = join(dir, manifest.files[name].path);
    await Deno.writeFile(`${target}.tmp`, bytes);
    await Deno.rename(`${target}.tmp`, target);
    json.files[name] = await fileEntry(manifest.files[name].path, bytes);
    console.log(`${target}: ${before[name].length} -> ${bytes.length} bytes`);
  }
  await Deno.writeTextFile(`${path}.tmp`, JSON.stringify(json, null, 2) + "\n");
  await Deno.rename(`${path}.tmp`, path);
  console.log(`${dir}: ${converted} weights in half precision, outputs bit for bit the same`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
