import { normals, philox4x32, uniforms } from "./rng.ts";

function assertEquals(actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`Values are not equal: ${a} !== ${e}`);
}

Deno.test("philox4x32() matches the Random123 known-answer vectors", () => {
  const hex = (w: Uint32Array) => [...w].map((v) => v.toString(16).padStart(8, "0"));
  assertEquals(hex(philox4x32([0, 0, 0, 0], [0, 0])), [
    "6627e8d5",
    "e169c58d",
    "bc57ac4c",
    "9b00dbd8",
  ]);
  const ones = 0xffffffff;
  assertEquals(hex(philox4x32([ones, ones, ones, ones], [ones, ones])), [
    "408f276d",
    "41c83b0e",
    "a20bc7c6",
    "6d5451fd",
  ]);
  assertEquals(
    hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    ["d16cfe09", "94fdcceb", "5001e420", "24126ea1"],
  );
});

Deno.test("normals() rows do not depend on how they are batched", () => {
  const whole = normals(7, { start: 0, count: 10, dim: 5 });
  const parts = [
    ...normals(7, { start: 0, count: 3, dim: 5 }),
    ...normals(7, { start: 3, count: 7, dim: 5 }),
  ];
  assertEquals([...whole], parts);
});

Deno.test("uniforms() draws do not depend on how they are batched", () => {
  const whole = uniforms(9, { start: 2 ** 32 - 2, count: 6 });
  const parts = [
    ...uniforms(9, { start: 2 ** 32 - 2, count: 1 }),
    ...uniforms(9, { start: 2 ** 32 - 1, count: 5 }),
  ];
  assertEquals([...whole], parts);
  if (!whole.every((u) => u >= 0 && u < 1)) throw new Error("expected draws in [0, 1)");
});
