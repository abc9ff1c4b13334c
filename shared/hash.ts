/** Content hashes with Web Crypto. @module */

/** Lowercase hex sha256 of bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A file whose bytes do not match the manifest. */
export class IntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IntegrityError";
  }
}

/**
 * Checks bytes against a manifest file entry; throws naming the file and both hashes
 * (and both sizes when the file is truncated or grown).
 */
export async function verifyFileBytes(
  name: string,
  bytes: Uint8Array,
  expected: { sha256: string; bytes: number },
): Promise<void> {
  const actual = await sha256Hex(bytes);
  if (bytes.byteLength !== expected.bytes || actual !== expected.sha256) {
    throw new IntegrityError(
      `Cannot load '${name}' as its contents do not match the manifest: ` +
        `expected sha256 ${expected.sha256} (${expected.bytes} bytes), ` +
        `got sha256 ${actual} (${bytes.byteLength} bytes)`,
    );
  }
}
