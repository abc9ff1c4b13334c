import assert from "node:assert/strict";
import { inlineDraws } from "../sampling/draws.ts";
import { createWorkerDraws } from "./worker_draws.ts";

Deno.test("createWorkerDraws() gives the same draws as inlineDraws()", async () => {
  const { draws, close } = createWorkerDraws({ inlineBelow: 1 });
  try {
    const ranges = [{ start: 0, count: 300 }, { start: 300, count: 5 }, {
      start: 2 ** 32 + 1,
      count: 64,
    }];
    const results = await Promise.all(ranges.map((r) => draws(77, r, 16)));
    for (const [i, r] of ranges.entries()) {
      const expected = await inlineDraws(77, r, 16);
      assert.deepEqual(results[i].z, expected.z);
      assert.deepEqual(results[i].u, expected.u);
    }
  } finally {
    close();
  }
});

Deno.test("createWorkerDraws() reports a bad seed as a rejection", async () => {
  const { draws, close } = createWorkerDraws({ inlineBelow: 1 });
  try {
    await assert.rejects(() => draws(-1, { start: 0, count: 4 }, 2), /'seed' must be a uint32/);
  } finally {
    close();
  }
});
