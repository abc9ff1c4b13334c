import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { makeTestApp } from "../../testing/test_app.ts";
import { SAMPLE_PARAMS } from "../sample_params.ts";
import { signedSampleUrl } from "../signed_url.ts";

const ADMIN = "openapi-test-admin-token";

// deno-lint-ignore no-explicit-any
type Json = any;

async function documentOf(app: { request(path: string): Response | Promise<Response> }) {
  const res = await app.request("/openapi.json");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^application\/json/);
  return await res.json() as Json;
}

/** `/v1/models/{id}` -> `/v1/models/:id` (Hono's spelling). */
const honoPath = (path: string) => path.replaceAll(/\{([^}]+)\}/g, ":$1");

Deno.test("openApiDocument() is a valid OpenAPI 3.1 document", async () => {
  const { app } = await makeTestApp({ adminToken: ADMIN });
  const doc = await documentOf(app);
  assert.equal(doc.openapi, "3.1.0");
  const result = await new Validator().validate(doc);
  assert.deepEqual(result.errors ?? [], []);
  assert.equal(result.valid, true);
});

Deno.test("/openapi.json documents every route the app serves, and only those", async () => {
  const { app } = await makeTestApp({ adminToken: ADMIN });
  const doc = await documentOf(app);
  const served = new Set(
    app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`),
  );
  const documented = new Set<string>();
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const method of Object.keys(item)) {
      documented.add(`${method.toUpperCase()} ${honoPath(path)}`);
    }
  }
  assert.ok(served.size >= 17, `only ${served.size} routes found`);
  assert.deepEqual([...served].sort(), [...documented].sort());
});

Deno.test("/openapi.json documents every sample parameter, headers and the error shape", async () => {
  const { app } = await makeTestApp();
  const doc = await documentOf(app);
  const names = (op: Json) =>
    op.parameters.filter((p: Json) => p.in === "query").map((p: Json) => p.name);
  const plain = doc.paths["/v1/models/{id}/samples"].get;
  const all = Object.keys(SAMPLE_PARAMS);
  assert.deepEqual(names(plain), all.filter((k) => k !== "v"));
  for (const p of plain.parameters.filter((p: Json) => p.in === "query")) {
    assert.ok(p.description?.length > 10, `${p.name} is described`);
  }
  const n = plain.parameters.find((p: Json) => p.name === "n");
  assert.deepEqual([n.schema.type, n.schema.minimum, n.schema.maximum], ["integer", 1, 256]);
  const signed = doc.paths["/v1/s/{file}"].get;
  assert.deepEqual(
    names(signed),
    [...all.filter((k) => k !== "format"), "exp", "kid", "sig", "host"],
  );
  assert.equal(signed.parameters.find((p: Json) => p.name === "seed").required, true);
  const ok = plain.responses["200"];
  assert.deepEqual(Object.keys(ok.content).sort(), ["application/json", "image/png"]);
  for (const header of ["ETag", "Cache-Control", "Server-Timing", "X-DRS-Seed", "X-DRS-Batches"]) {
    assert.ok(ok.headers[header], `200 documents ${header}`);
  }
  assert.ok(plain.responses["503"].headers["Retry-After"]);
  assert.deepEqual(
    plain.responses["400"].content["application/json"].schema,
    { $ref: "#/components/schemas/Error" },
  );
  assert.deepEqual(doc.components.schemas.Error.required, ["error"]);
  assert.deepEqual(doc.components.schemas.Error.properties.error.required, ["code", "message"]);
});

/** Validates `res` against the operation it answers in `doc`: status, content type, body. */
async function conforms(doc: Json, ajv: Ajv2020, template: string, method: string, res: Response) {
  const op = doc.paths[template]?.[method];
  assert.ok(op, `${method} ${template} is documented`);
  const entry = op.responses[String(res.status)];
  assert.ok(entry, `${method} ${template}: ${res.status} is documented`);
  for (const [name, header] of Object.entries<Json>(entry.headers ?? {})) {
    if (header.required) assert.ok(res.headers.has(name), `${template} ${res.status}: ${name}`);
  }
  if (res.status === 304) return;
  const type = res.headers.get("content-type")!.split(";")[0];
  assert.ok(entry.content?.[type], `${method} ${template} ${res.status}: ${type} is documented`);
  if (type !== "application/json") return void await res.body?.cancel();
  const body = await res.json();
  const validate = ajv.compile(entry.content[type].schema);
  assert.ok(
    validate(body),
    `${method} ${template} ${res.status}: ${JSON.stringify(validate.errors)}`,
  );
}

Deno.test("answers of every route match the schemas /openapi.json documents", async () => {
  const now = 1_767_000_000;
  const { app, key } = await makeTestApp({ adminToken: ADMIN, nowSeconds: () => now });
  const doc = await documentOf(app);
  // Component references resolve within each compiled schema.
  const withDefs = JSON.parse(
    JSON.stringify(doc).replaceAll("#/components/schemas/", "/components#/$defs/"),
  );
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: "/components", $defs: withDefs.components.schemas });
  const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
  const signed = await signedSampleUrl(key, { model: "grid", seed: 3, n: 2, format: "json" }, {
    base: "http://localhost",
    expiresAt: now + 60,
  });
  const cases: [string, string, string, RequestInit?][] = [
    ["/healthz", "/healthz", "get"],
    ["/readyz", "/readyz", "get"],
    ["/v1/models", "/v1/models", "get"],
    ["/v1/models/grid", "/v1/models/{id}", "get"],
    ["/v1/models/nope", "/v1/models/{id}", "get"],
    ["/v1/models/grid/versions/1", "/v1/models/{id}/versions/{v}", "get"],
    ["/v1/models/grid/versions/x", "/v1/models/{id}/versions/{v}", "get"],
    ["/v1/models/grid/samples?n=4&seed=1", "/v1/models/{id}/samples", "get"],
    ["/v1/models/tiles/samples?n=2&seed=1&sampler=mh&k=3", "/v1/models/{id}/samples", "get"],
    ["/v1/models/grid/samples?n=2&drs=false", "/v1/models/{id}/samples", "get"],
    ["/v1/models/grid/samples?n=2&format=png", "/v1/models/{id}/samples", "get"],
    ["/v1/models/grid/samples?n=0", "/v1/models/{id}/samples", "get"],
    ["/v1/models/grid/versions/1/samples?seed=2", "/v1/models/{id}/versions/{v}/samples", "get"],
    ["/v1/models/grid/versions/9/samples", "/v1/models/{id}/versions/{v}/samples", "get"],
    [signed.pathname + signed.search, "/v1/s/{file}", "get"],
    ["/v1/s/grid.png?seed=1", "/v1/s/{file}", "get"],
    ["/v1/sign", "/v1/sign", "post", {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ model: "grid", seed: 1 }),
    }],
    ["/v1/sign", "/v1/sign", "post", { method: "POST", body: "{}" }],
    ["/v1/admin/reload", "/v1/admin/reload", "post", { method: "POST", headers: admin }],
    ["/metrics", "/metrics", "get"],
    ["/demo/urls?model=tiles", "/demo/urls", "get"],
    ["/demo?acceptance=2", "/demo", "get"],
    ["/", "/", "get"],
    ["/docs", "/docs", "get"],
    ["/openapi.json", "/openapi.json", "get"],
  ];
  const seen = new Set<string>();
  for (const [url, template, method, init] of cases) {
    const res = await app.request(url, init);
    await conforms(withDefs, ajv, template, method, res);
    seen.add(`${res.status} ${template}`);
  }
  // 304 answers carry the documented headers too.
  const first = await app.request("/v1/models/grid/samples?n=1&seed=5");
  const again = await app.request("/v1/models/grid/samples?n=1&seed=5", {
    headers: { "if-none-match": first.headers.get("etag")! },
  });
  await first.body?.cancel();
  assert.equal(again.status, 304);
  await conforms(withDefs, ajv, "/v1/models/{id}/samples", "get", again);
  for (const expected of ["400 /v1/models/{id}/samples", "403 /v1/s/{file}", "401 /v1/sign"]) {
    assert.ok(seen.has(expected), `${expected} was exercised`);
  }
});

Deno.test("openApiDocument() gives every operation an operationId, its security and a 4XX answer", async () => {
  const { app } = await makeTestApp({ adminToken: "admin-token-0123456789-0123456789" });
  const doc = await (await app.request("/openapi.json")).json();
  assert.deepEqual(doc.servers, [{ url: "/", description: "The server this document comes from" }]);
  const ids = new Set<string>();
  // deno-lint-ignore no-explicit-any
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(item)) {
      assert.match(op.operationId, /^[a-z][A-Za-z0-9]+$/, `${method} ${path}`);
      assert.ok(!ids.has(op.operationId), `${op.operationId} is unique`);
      ids.add(op.operationId);
      assert.ok(Array.isArray(op.security), `${method} ${path} declares its security`);
      assert.ok(Object.keys(op.responses).some((s) => s.startsWith("4")), `${method} ${path}`);
    }
  }
  // Patterns are JSON Schema (ECMA-262 without flags): the class pattern compiles and matches.
  const classParam = doc.paths["/v1/models/{id}/samples"].get.parameters.find((
    p: { name: string },
  ) => p.name === "class");
  assert.ok(new RegExp(classParam.schema.pattern).test("Sneaker"));
  assert.ok(!new RegExp(classParam.schema.pattern).test("a\u0007b"));
});
