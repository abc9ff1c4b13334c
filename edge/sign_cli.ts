/**
 * `deno task sign --model grid25 --seed 7 --n 16 --ttl 3600 [--base-url URL] [--version V]`:
 * prints a signed sample URL using the first key of DRS_SIGNING_KEYS, pinned to model version
 * V, or without `--version` to the newest version in DRS_MODELS_DIR (default `models`; said on
 * stderr). Bad flags: one line on stderr, exit 2.
 *
 * @module
 */

import { parseSigningKeys } from "../shared/signing.ts";
import { fsModelSource } from "./fs_source.ts";
import { parseSignArgs, signHelp } from "./sign_args.ts";
import { signedSampleUrl } from "./signed_url.ts";

/** The newest version of `id` in the models folder, or a one-line error. */
async function newestVersion(dir: string, id: string): Promise<number> {
  const found = await fsModelSource(dir).versions!(id).catch(() => []);
  const newest = found.filter((f) => !f.conflict).at(-1)?.version;
  if (newest === undefined) {
    throw new Error(
      `Cannot sign as '--version' is not given and '${dir}/${id}' holds no model version: ` +
        "give --version (or DRS_MODELS_DIR)",
    );
  }
  return newest;
}

async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(signHelp());
    return 0;
  }
  let parsed;
  try {
    parsed = parseSignArgs(args);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const spec = Deno.env.get("DRS_SIGNING_KEYS");
  if (!spec) {
    console.error(
      "Cannot sign as 'DRS_SIGNING_KEYS' is not set: give the server's keys (kid:secret,...)",
    );
    return 2;
  }
  try {
    const [key] = await parseSigningKeys(spec);
    if (parsed.params.version === undefined) {
      const dir = Deno.env.get("DRS_MODELS_DIR") || "models";
      parsed.params.version = await newestVersion(dir, parsed.params.model);
      console.error(
        `Pinned to version ${parsed.params.version} of '${parsed.params.model}' (the newest in ` +
          `'${dir}'; --version pins another)`,
      );
    }
    const expiresAt = Math.floor(Date.now() / 1000) + parsed.ttl;
    const url = await signedSampleUrl(key, parsed.params, { base: parsed.baseUrl, expiresAt });
    console.log(url.href);
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
