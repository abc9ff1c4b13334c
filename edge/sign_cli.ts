/**
 * `deno task sign --model grid25 --seed 7 --n 16 --ttl 3600 [--base-url URL]`: prints a signed
 * sample URL using the first key of DRS_SIGNING_KEYS. Bad flags: one line on stderr, exit 2.
 *
 * @module
 */

import { parseSigningKeys } from "../shared/signing.ts";
import { parseSignArgs, SIGN_USAGE } from "./sign_args.ts";
import { signedSampleUrl } from "./signed_url.ts";

async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(SIGN_USAGE);
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
