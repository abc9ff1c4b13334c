import assert from "node:assert/strict";
import { IntegrityError, sha256Hex, verifyFileBytes } from "./hash.ts";
import { createHash } from "node:crypto";

const encoder = new TextEncoder();

Deno.test("sha256Hex() matches the FIPS 180-2 known vectors", async () => {
  assert.equal(
    await sha256Hex(new Uint8Array(0)),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(
    await sha256Hex(encoder.encode("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    await sha256Hex(encoder.encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
  // One million 'a' (the third FIPS vector).
  assert.equal(
    await sha256Hex(new Uint8Array(1_000_000).fill(0x61)),
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
  );
});

Deno.test("sha256Hex() hashes only the bytes of a subarray view", async () => {
  const buffer = encoder.encode("xxabcyy");
  const view = buffer.subarray(2, 5); // "abc" at a non-zero byteOffset
  assert.equal(
    await sha256Hex(view),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("sha256Hex() agrees with node:crypto on 64 pseudo-random buffers", async () => {
  let x = 12345;
  for (let len = 0; len < 64 * 37; len += 37) {
    const bytes = new Uint8Array(len);
    for (let i = 0; i < len; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    assert.deepEqual(await sha256Hex(bytes), createHash("sha256").update(bytes).digest("hex"));
  }
});

Deno.test("verifyFileBytes() accepts bytes that match the entry", async () => {
  const bytes = encoder.encode("generator weights");
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  await verifyFileBytes("generator.onnx", bytes, { sha256, bytes: bytes.byteLength });
  await verifyFileBytes("empty.bin", new Uint8Array(0), {
    sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    bytes: 0,
  });
});

Deno.test("verifyFileBytes() refuses changed bytes, naming the file and both hashes", async () => {
  const good = encoder.encode("generator weights");
  const expected = createHash("sha256").update(good).digest("hex");
  const bad = good.slice();
  bad[5] ^= 1; // same length, one bit flipped
  const actual = createHash("sha256").update(bad).digest("hex");
  await assert.rejects(
    () => verifyFileBytes("generator.onnx", bad, { sha256: expected, bytes: good.byteLength }),
    (error) => {
      assert.ok(error instanceof IntegrityError);
      assert.equal(
        error.message,
        "Cannot load 'generator.onnx' as its contents do not match the manifest: " +
          `expected sha256 ${expected} (17 bytes), got sha256 ${actual} (17 bytes)`,
      );
      assert.equal(error.name, "IntegrityError");
      assert.ok(error instanceof Error);
      return true;
    },
  );
});

Deno.test("verifyFileBytes() refuses truncated and grown bytes, naming both sizes", async () => {
  const good = encoder.encode("discriminator weights");
  const expected = createHash("sha256").update(good).digest("hex");
  const truncated = good.subarray(0, 10);
  const truncatedHash = createHash("sha256").update(truncated).digest("hex");
  await assert.rejects(
    () => verifyFileBytes("discriminator.onnx", truncated, { sha256: expected, bytes: 21 }),
    (error) => {
      assert.ok(error instanceof IntegrityError);
      assert.match(error.message, /'discriminator\.onnx'/);
      assert.ok(error.message.includes(`expected sha256 ${expected} (21 bytes)`), error.message);
      assert.ok(error.message.includes(`got sha256 ${truncatedHash} (10 bytes)`), error.message);
      return true;
    },
  );
  const grown = new Uint8Array([...good, 0]);
  await assert.rejects(
    () => verifyFileBytes("discriminator.onnx", grown, { sha256: expected, bytes: 21 }),
    { name: "IntegrityError", message: /\(22 bytes\)/ },
  );
});

Deno.test("verifyFileBytes() refuses a size mismatch even when the hash matches", async () => {
  const bytes = encoder.encode("abc");
  const sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  await assert.rejects(() => verifyFileBytes("abc.bin", bytes, { sha256, bytes: 4 }), {
    name: "IntegrityError",
    message: new RegExp(
      RegExp.escape(`expected sha256 ${sha256} (4 bytes), got sha256 ${sha256} (3 bytes)`),
    ),
  });
});
