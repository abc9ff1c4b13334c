/**
 * The development signing key: without `DRS_SIGNING_KEYS`, `deno task start` and `deno task
 * sign` share one key kept in a git-ignored file (`.drs-dev-key` in the working directory,
 * created on first use), so a URL the sign command prints verifies against the server the
 * README just started. Never used when keys are configured; both commands warn when they use it.
 * Uses `Deno.*`: imported only by entry points.
 *
 * @module
 */

/** Where the development key lives (relative to the working directory). */
export const DEV_KEY_FILE = ".drs-dev-key";

function hex(bytes: number): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(bytes)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/** The `kid:secret` of the development key, creating the file on first use. */
export async function devSigningKeys(file = DEV_KEY_FILE): Promise<string> {
  try {
    const text = (await Deno.readTextFile(file)).trim();
    if (/^dev-[0-9a-f]{6}:[0-9a-f]{64}$/.test(text)) return text;
    throw new Error(
      `Cannot use the development key as '${file}' is not 'dev-xxxxxx:<64 hex>': delete it ` +
        "to make a new one, or set DRS_SIGNING_KEYS",
    );
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const spec = `dev-${hex(3)}:${hex(32)}`;
  try {
    // createNew: two processes starting at once keep the first one's key.
    await Deno.writeTextFile(file, spec + "\n", { createNew: true, mode: 0o600 });
    return spec;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return await devSigningKeys(file);
    throw error;
  }
}
