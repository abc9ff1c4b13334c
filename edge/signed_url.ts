/**
 * Minting signed sample URLs (`/v1/s/<model>.png?...&exp=&kid=&sig=`), shared by
 * `POST /v1/sign` and `deno task sign`.
 *
 * @module
 */

import { HOST_PARAM, type SigningKey, signUrl } from "../shared/signing.ts";
import type { SamplerName } from "../shared/manifest.ts";
import { parseSampleQuery } from "./query.ts";

/** What a signed URL pins (seed is required so the image is immutable). */
export interface SignedSampleParams {
  model: string;
  seed: number;
  /** @default {1} */
  n?: number;
  /** File extension of the path. @default {"png"} */
  format?: "png" | "json";
  /** @default {true} */
  drs?: boolean;
  gamma?: number;
  acceptance?: number;
  /** @default {1} */
  scale?: number;
  /** Class index or label, for class-conditional models. */
  class?: string | number;
  /** The sampler (`drs`, `mh`, `raw`, `truncation`); the model's default when absent. */
  sampler?: SamplerName;
  /** MH chain length (with `sampler: "mh"`). */
  k?: number;
  /** Truncation threshold (with `sampler: "truncation"`). */
  psi?: number;
  /**
   * The model version the URL is pinned to (`v` in the signed query): it keeps returning that
   * version's bytes while the version is kept, then 410. The server's minting routes always pin.
   * @default {undefined} (unpinned: the model's default version answers)
   */
  version?: number;
}

/** Options for {@linkcode signedSampleUrl}. */
export interface SignedSampleOptions {
  /** Origin the URL is minted for; its path is replaced. */
  base: string | URL;
  /** Expiry, unix seconds. */
  expiresAt: number;
  /**
   * Bind the URL to `base`'s host (the signed `host` parameter): it is then served only under
   * that host name. @default {false}
   */
  bindHost?: boolean;
}

/** Path prefix of signed sample URLs. */
export const SIGNED_PREFIX = "/v1/s/";

/**
 * A URL for `params` on `options.base` (its origin; the path is replaced), signed with `key`
 * and expiring at `options.expiresAt`. Throws the same 400 `HttpError` as the server would if
 * a parameter is invalid.
 */
export async function signedSampleUrl(
  key: SigningKey,
  params: SignedSampleParams,
  options: SignedSampleOptions,
): Promise<URL> {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(params.model)) {
    throw new RangeError(
      `Cannot sign as 'model' must be a model id like 'grid25': current value is '${params.model}'`,
    );
  }
  const url = new URL(`${SIGNED_PREFIX}${params.model}.${params.format ?? "png"}`, options.base);
  const q = url.searchParams;
  q.set("n", String(params.n ?? 1));
  q.set("seed", String(params.seed));
  if (params.drs === false) q.set("drs", "false");
  if (params.gamma !== undefined) q.set("gamma", String(params.gamma));
  if (params.acceptance !== undefined) q.set("acceptance", String(params.acceptance));
  if (params.scale !== undefined) q.set("scale", String(params.scale));
  if (params.class !== undefined) q.set("class", String(params.class));
  if (params.sampler !== undefined) q.set("sampler", params.sampler);
  if (params.k !== undefined) q.set("k", String(params.k));
  if (params.psi !== undefined) q.set("psi", String(params.psi));
  if (params.version !== undefined) q.set("v", String(params.version));
  parseSampleQuery(q, { forbid: ["format"], require: ["seed"] });
  if (options.bindHost) q.set(HOST_PARAM, url.host);
  return await signUrl(url, key, { expiresAt: options.expiresAt });
}
