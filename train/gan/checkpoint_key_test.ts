import assert from "node:assert/strict";
import { resolveConfig } from "../config.ts";
import { ganPhaseKey } from "./checkpoint.ts";

Deno.test("ganPhaseKey() counts top-k only when it is on, so checkpoints from before it resume", () => {
  const off = resolveConfig({ dataset: "mnist" });
  assert.equal("topK" in ganPhaseKey(off) || "topKEvery" in ganPhaseKey(off), false);
  const every = resolveConfig({ dataset: "mnist", topKEvery: 7 });
  assert.deepEqual(ganPhaseKey(every), ganPhaseKey(off), "top-k off: its schedule is no key");
  const on = resolveConfig({ dataset: "mnist", topK: 0.5 });
  assert.equal(ganPhaseKey(on).topK, 0.5);
  assert.equal(ganPhaseKey(on).topKEvery, 50);
  // The steps and stages after the GAN phase never key it.
  assert.deepEqual(ganPhaseKey(resolveConfig({ dataset: "mnist", dSteps: 9 })), ganPhaseKey(off));
});
