/**
 * The IDX file format of the original MNIST distribution (LeCun et al.): a big-endian header
 * `0x00 0x00 <type> <rank>`, `rank` uint32 dimensions, then the values row-major. Only the
 * unsigned-byte type (0x08) is read, which is what MNIST uses.
 *
 * @module
 */

/** A parsed IDX array of unsigned bytes. */
export interface IdxArray {
  /** Dimensions from the header, e.g. `[60000, 28, 28]`. */
  dims: number[];
  /** Values, row-major: `// [product of dims]` (a view into the file's bytes). */
  data: Uint8Array;
}

/** An IDX file that cannot be parsed; the message names the file and the problem. */
export class IdxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IdxError";
  }
}

const TYPE_UBYTE = 0x08;

/**
 * Parses IDX bytes. `name` appears in errors: `Cannot read IDX 'x' as ...`.
 * Checks the magic number, the value type, the rank and that the size matches the header.
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  const fail = (why: string) => new IdxError(`Cannot read IDX '${name}' as ${why}`);
  if (bytes.length < 4) throw fail(`it has ${bytes.length} bytes, fewer than a 4-byte header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail(
      `its magic number starts with 0x${hex(bytes[0])}${hex(bytes[1])} instead of 0x0000`,
    );
  }
  if (bytes[2] !== TYPE_UBYTE) {
    throw fail(`its value type is 0x${hex(bytes[2])}; only unsigned bytes (0x08) are supported`);
  }
  const rank = bytes[3];
  if (rank < 1) throw fail("its rank is 0");
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw fail(`it has ${bytes.length} bytes, fewer than its ${headerBytes}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let k = 0; k < rank; k++) dims.push(view.getUint32(4 + 4 * k, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerBytes + size) {
    throw fail(
      `its header declares [${dims.join(", ")}] (${size} values) but ` +
        `${bytes.length - headerBytes} bytes follow the header`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

function hex(v: number): string {
  return v.toString(16).padStart(2, "0");
}
