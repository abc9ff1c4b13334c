import assert from "node:assert/strict";
import { signedSampleUrl } from "./signed_url.ts";
import { RESOURCE_CSP } from "./security_headers.ts";
import { makeTestApp } from "../testing/test_app.ts";

function assertCommon(res: Response, label: string): void {
  assert.equal(res.headers.get("x-content-type-options"), "nosniff", label);
  assert.equal(res.headers.get("referrer-policy"), "no-referrer", label);
  assert.equal(res.headers.get("x-frame-options"), null, label);
}

Deno.test("securityHeaders() sets nosniff, referrer policy and a CSP on JSON, PNG and errors", async () => {
  const { app } = await makeTestApp();
  for (
    const path of [
      "/healthz",
      "/v1/models",
      "/v1/models/grid/samples?seed=1",
      "/v1/models/grid/samples?seed=1&format=png",
      "/v1/models/grid/samples?n=0",
      "/nope",
      "/metrics",
    ]
  ) {
    const res = await app.request(path);
    await res.arrayBuffer();
    assertCommon(res, path);
    assert.equal(res.headers.get("content-security-policy"), RESOURCE_CSP, path);
  }
});

Deno.test("securityHeaders() keeps signed images embeddable cross-origin", async () => {
  const { app, key } = await makeTestApp({ nowSeconds: () => 1000 });
  const url = await signedSampleUrl(key, { model: "grid", seed: 3, n: 8 }, {
    base: "http://edge.test",
    expiresAt: 5000,
  });
  const res = await app.request(url.href, { headers: { origin: "https://other.example" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "image/png");
  assert.equal(res.headers.get("cross-origin-resource-policy"), "cross-origin");
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assertCommon(res, "signed png");
  // The CSP restricts the PNG as a document only; nothing in it names embedders.
  assert.doesNotMatch(res.headers.get("content-security-policy")!, /img-src|require-corp/);
  const tampered = await app.request(url.href.replace("seed=3", "seed=4"));
  assert.equal(tampered.status, 403);
  assert.equal(tampered.headers.get("cross-origin-resource-policy"), "cross-origin");
  assertCommon(tampered, "tampered");
});

Deno.test("securityHeaders() leaves the demo page frameable and without a CSP", async () => {
  const { app } = await makeTestApp();
  const res = await app.request("/demo");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/html/);
  await res.text();
  assertCommon(res, "demo");
  assert.equal(res.headers.get("content-security-policy"), null);
});
