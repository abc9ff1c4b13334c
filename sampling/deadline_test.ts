import assert from "node:assert/strict";
import { withinDeadline } from "./deadline.ts";

Deno.test("withinDeadline() passes a prompt result through and clears its timer", async () => {
  assert.equal(await withinDeadline(Promise.resolve(7), 1000, () => new Error("late")), 7);
  await assert.rejects(
    withinDeadline(Promise.reject(new RangeError("bad")), 1000, () => new Error("late")),
    RangeError,
  );
});

Deno.test("withinDeadline() throws late() when the work outlasts the deadline", async () => {
  let settle!: (v: number) => void;
  const slow = new Promise<number>((_, reject) => (settle = () => reject(new Error("boom"))));
  await assert.rejects(withinDeadline(slow, 10, () => new Error("too late")), /too late/);
  settle(0); // rejecting after the deadline is observed, not unhandled
  await new Promise((r) => setTimeout(r, 0));
});
