/**
 * The keys a server signs and verifies with: `DRS_SIGNING_KEYS` (`kid:secret,...`: the first
 * signs, all verify) and `DRS_VERIFY_KEYS` (verify only). A rotation first adds the new key as
 * verify-only on every instance, then makes it the first signing key once all verify it, then
 * drops the old one when its URLs have expired: no instance ever receives a URL it cannot verify.
 * A key id may appear once across both lists.
 *
 * @module
 */

import { parseSigningKeys, type SigningKey } from "../shared/signing.ts";

/** Signing keys, then verify-only keys; throws on a repeated key id or a bad entry. */
export async function configuredKeys(
  signing: string,
  verifyOnly?: string,
): Promise<SigningKey[]> {
  const keys = await parseSigningKeys(signing);
  const extra = verifyOnly ? await parseSigningKeys(verifyOnly) : [];
  for (const key of extra) {
    if (keys.some((k) => k.id === key.id)) {
      throw new RangeError(
        `Cannot start as the key id '${key.id}' is in both DRS_SIGNING_KEYS and DRS_VERIFY_KEYS`,
      );
    }
  }
  return [...keys, ...extra];
}
