/**
 * The shared-memory job ring between the server thread and the inference thread (see
 * `mod.ts`). Jobs run in submission order: job `seq` lives in slot `seq % slots` until the
 * server thread has copied its result out, so a slot is only reused once the inference thread
 * has passed the job before it. No messages on the hot path: the server thread writes a job and
 * bumps HEAD; the inference thread writes the result and flips the slot's status; each side
 * wakes the other with `Atomics.notify`.
 *
 * @module
 */

/** Slot states (Int32 in `ctrl`). */
export const FREE = 0;
/** Written by the server thread, waiting for or running on the inference thread. */
export const QUEUED = 1;
/** Result written (floats at the slot's start). */
export const DONE = 2;
/** Error message written (UTF-8 at the slot's start). */
export const FAILED = 3;

/** Job kinds, as in {@linkcode Backend}. */
export const OPS = ["run", "generate"] as const;
/** One of {@linkcode OPS}. */
export type RingOp = typeof OPS[number];

/** Index of the number of jobs submitted so far. */
export const HEAD = 0;
const HEADER = 1;
const FIELDS = 6; // status, op, handle, n, inLen, errorBytes

/** Field offsets inside a slot's control block. */
export const FIELD = { status: 0, op: 1, handle: 2, n: 3, inLen: 4, errorBytes: 5 } as const;

/** Options for {@linkcode createRing}. */
export interface RingOptions {
  /** Jobs in flight at once. @default {8} */
  slots?: number;
  /** Float32 values per slot (input, then the outputs in its place). @default {262144} (1 MiB) */
  slotFloats?: number;
}

/** Both sides' view of the ring. */
export interface Ring {
  slots: number;
  slotFloats: number;
  ctrl: Int32Array;
  data: Float32Array;
  /** The same memory as `data`, for error text. */
  bytes: Uint8Array;
}

/** The buffers a ring is made of (what the inference thread receives). */
export interface RingBuffers {
  slots: number;
  slotFloats: number;
  ctrl: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

/** Allocates a ring. */
export function createRing(options: RingOptions = {}): RingBuffers {
  const slots = options.slots ?? 8;
  const slotFloats = options.slotFloats ?? 262_144;
  return {
    slots,
    slotFloats,
    ctrl: new SharedArrayBuffer(4 * (HEADER + FIELDS * slots)),
    data: new SharedArrayBuffer(4 * slotFloats * slots),
  };
}

/** Typed views of a ring's buffers. */
export function viewRing(buffers: RingBuffers): Ring {
  return {
    slots: buffers.slots,
    slotFloats: buffers.slotFloats,
    ctrl: new Int32Array(buffers.ctrl),
    data: new Float32Array(buffers.data),
    bytes: new Uint8Array(buffers.data),
  };
}

/** Index in `ctrl` of `field` of slot `slot`. */
export function at(slot: number, field: keyof typeof FIELD): number {
  return HEADER + FIELDS * slot + FIELD[field];
}
