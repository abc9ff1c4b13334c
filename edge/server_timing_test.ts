import assert from "node:assert/strict";
import { makeTestApp } from "../testing/test_app.ts";

function metrics(header: string | null): Record<string, number> {
  assert.ok(header, "a Server-Timing header");
  const out: Record<string, number> = {};
  for (const entry of header.split(", ")) {
    const [name, dur, desc] = entry.split(";");
    assert.match(dur, /^dur=\d+\.\d{3}$/, entry);
    assert.match(desc, /^desc="[^"]+"$/, entry);
    out[name] = Number(dur.slice(4));
  }
  return out;
}

Deno.test("sample responses say in Server-Timing where their time went", async () => {
  const { app } = await makeTestApp();
  for (const query of ["n=64&seed=1", "n=16&seed=1&format=png", "n=8&seed=1&sampler=mh&k=4"]) {
    const res = await app.request(`/v1/models/grid/samples?${query}`);
    assert.equal(res.status, 200);
    const m = metrics(res.headers.get("server-timing"));
    assert.deepEqual(Object.keys(m), ["queue", "gd", "draws", "decide", "render"]);
    for (const value of Object.values(m)) assert.ok(value >= 0 && value < 10_000, query);
    assert.ok(m.gd > 0, `${query}: G+D took time`);
  }
  const cached = await app.request("/v1/models/grid/samples?n=64&seed=1", {
    headers: { "if-none-match": "*" },
  });
  assert.equal(cached.status, 304);
  assert.equal(cached.headers.get("server-timing"), null, "nothing was sampled");
});
