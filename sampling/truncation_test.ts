import assert from "node:assert/strict";
import { fakeGridBackend } from "../testing/fake_backends.ts";
import { normals } from "../shared/rng.ts";
import { truncateLatents } from "../shared/truncation.ts";
import { sample } from "./mod.ts";

const model = {
  backend: fakeGridBackend(),
  latentDim: 3,
  sampleShape: [2],
  drs: { logM: 0, gamma: 0, epsilon: 1e-6, fQuantiles: new Array(101).fill(0) },
};

Deno.test("sample() truncation is G on latents truncated at psi, one G call, no D", async () => {
  const r = await sample(model, { seed: 4, n: 50, sampler: { kind: "truncation", psi: 0.5 } }, {
    chunk: 16,
  });
  const rows = { seed: 4, start: 0, count: 50, dim: 3 };
  const z = truncateLatents(normals(4, rows), rows, 0.5);
  assert.deepEqual([...r.x], [...await model.backend.generate(z, 50)]);
  assert.deepEqual(r.batches, [50]);
  assert.equal(r.stats.proposals, 50);
  assert.equal(r.stats.logM, null);
});

Deno.test("sample() truncation refuses a psi outside (0, 4]", async () => {
  await assert.rejects(
    sample(model, { seed: 4, n: 5, sampler: { kind: "truncation", psi: 0 } }),
    /'psi' must be in \(0, 4\]: current value is 0/,
  );
});
