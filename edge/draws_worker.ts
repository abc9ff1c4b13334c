/**
 * Worker script: makes the latent rows and uniforms of a range of proposals (see
 * `worker_draws.ts`). Messages in: `{ id, seed, start, count, dim }`; out: `{ id, z, u }`
 * with the buffers transferred, or `{ id, error }`.
 *
 * @module
 */

import { normals, uniforms } from "../shared/rng.ts";

/** A draw request sent to the worker. */
export interface DrawRequest {
  id: number;
  seed: number;
  start: number;
  count: number;
  dim: number;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<DrawRequest>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

scope.onmessage = (event) => {
  const { id, seed, start, count, dim } = event.data;
  try {
    const z = normals(seed, { start, count, dim });
    const u = uniforms(seed, { start, count });
    scope.postMessage({ id, z, u }, [z.buffer as ArrayBuffer, u.buffer as ArrayBuffer]);
  } catch (error) {
    scope.postMessage({ id, error: (error as Error).message });
  }
};
