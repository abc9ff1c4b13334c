import assert from "node:assert/strict";
import { permutation } from "./permutation.ts";

Deno.test("permutation() is a permutation, fixed by (n, seed, stream)", () => {
  const p = permutation(1000, 9, 3);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(permutation(1000, 9, 3), p);
  assert.notDeepEqual(permutation(1000, 10, 3), p);
  assert.notDeepEqual(permutation(1000, 9, 4), p);
  assert.deepEqual(permutation(1, 9, 3), Uint32Array.from([0]));
  assert.deepEqual(permutation(0, 9, 3).length, 0);
});
