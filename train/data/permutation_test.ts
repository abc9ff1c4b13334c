import { assertEquals, assertNotEquals } from "../../shared/_test_utils.ts";
import { permutation } from "./permutation.ts";

Deno.test("permutation() is a permutation, fixed by (n, seed, stream)", () => {
  const p = permutation(1000, 9, 3);
  assertEquals([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assertEquals(permutation(1000, 9, 3), p);
  assertNotEquals(permutation(1000, 10, 3), p);
  assertNotEquals(permutation(1000, 9, 4), p);
  assertEquals(permutation(1, 9, 3), Uint32Array.from([0]));
  assertEquals(permutation(0, 9, 3).length, 0);
});
