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
import { DEV_KEY_FILE, devSigningKeys } from "./dev_key.ts";
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
  let spec = Deno.env.get("DRS_SIGNING_KEYS");
  if (!spec) {
    // The key `deno task start` uses when it has none: the printed URL verifies there.
    spec = await devSigningKeys();
    console.error(
      `DRS_SIGNING_KEYS is not set: signing with the development key in ${DEV_KEY_FILE} ` +
        "(the one 'deno task start' uses without keys)",
    );
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
    for (const seed of parsed.seeds) {
      const scales = parsed.srcset ?? [undefined];
      const urls: string[] = [];
      for (const scale of scales) {
        const params = { ...parsed.params, seed, ...(scale ? { scale } : {}) };
        urls.push(
          (await signedSampleUrl(key, params, {
            base: parsed.baseUrl,
            expiresAt,
            bindHost: parsed.bindHost,
          })).href,
        );
      }
      if (!parsed.srcset) {
        console.log(urls[0]);
        continue;
      }
      // One <img> per seed: the first scale as src, every scale in srcset (1x, 2x, ...).
      const srcset = urls.map((u, i) => `${u} ${parsed.srcset![i]}x`).join(", ");
      console.log(
        `<img src="${urls[0]}" srcset="${srcset}" alt="generated sample from ` +
          `${parsed.params.model} (seed ${seed})" loading="lazy" decoding="async">`,
      );
    }
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
