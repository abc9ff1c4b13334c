/**
 * The OpenAPI 3.1 document of an app, generated from the routes' zod definitions (those of
 * `documented()`), once per app, as the bytes `/openapi.json` answers with.
 *
 * @module
 */

import type { OpenAPIHono } from "@hono/zod-openapi";
import { sha256HexSync } from "../../shared/sha256.ts";
import { ADMIN_SCHEME, ADMIN_SCHEME_OBJECT } from "./security.ts";

/** Version of the HTTP API described (the paths are `/v1/...`). */
export const API_VERSION = "1.0.0";

const DESCRIPTION = `Samples from GANs, filtered by **Discriminator Rejection Sampling** (Azadi et
al., ICLR 2019) or another sampler, as JSON or PNG, plus **signed sample URLs** that a page on any
origin can put in \`<img src>\` (the scheme: \`docs/signed_urls.md\`).

- **Errors** are JSON: \`{"error": {"code", "message", "details"?}}\`; a bad parameter answers
  \`400 invalid_parameter\` naming it and what it expects. Unknown and repeated parameters are
  refused, so one image has one URL.
- **Determinism**: the same model version, seed and options give byte-identical bodies on every
  runtime; seeded answers carry a strong \`ETag\` and are cacheable.
- **Every answer** carries \`X-Content-Type-Options: nosniff\` and \`Referrer-Policy: no-referrer\`;
  non-HTML ones \`Content-Security-Policy: default-src 'none'; frame-ancestors 'none'; sandbox\`.
- **TypeScript**: \`hc<AppType>()\` from \`hono/client\` gives a typed client of these routes
  (\`AppType\` from \`edge/app.ts\`).`;

/** Tags of the reference page, in order. */
const TAGS = [
  { name: "Samples", description: "Samples from a model, as JSON or PNG" },
  { name: "Signed URLs", description: "Immutable, cacheable sample URLs for `<img src>`" },
  { name: "Models", description: "What each model is and the state of its versions" },
  { name: "Operations", description: "Health, readiness, metrics and reloads" },
  { name: "Demo", description: "The demo page" },
  { name: "Reference", description: "This document and its reference page" },
];

/** The document of `app` (every route registered with `documented()`). */
// deno-lint-ignore no-explicit-any
export function openApiDocument(app: OpenAPIHono<any, any, any>): Record<string, unknown> {
  const registered = app.openAPIRegistry.definitions.some((d) =>
    d.type === "component" && d.name === ADMIN_SCHEME
  );
  if (!registered) {
    app.openAPIRegistry.registerComponent("securitySchemes", ADMIN_SCHEME, ADMIN_SCHEME_OBJECT);
  }
  const doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "drs-edge",
      version: API_VERSION,
      description: DESCRIPTION,
    },
    // Relative: the server that serves this document (a deployment's own origin).
    servers: [{ url: "/", description: "The server this document comes from" }],
    tags: TAGS,
  }) as unknown as Record<string, unknown>;
  return completeOperations(doc);
}

/** Stable names of the operations (code generators make method names of them). */
const OPERATION_IDS: Record<string, string> = {
  "get /": "getDemoRoot",
  "get /demo": "getDemo",
  "get /demo/urls": "getDemoUrls",
  "get /openapi.json": "getOpenApiDocument",
  "get /docs": "getReferencePage",
  "get /docs/scalar.js": "getReferenceScript",
  "get /healthz": "getHealth",
  "get /readyz": "getReadiness",
  "get /metrics": "getMetrics",
  "get /v1/models": "listModels",
  "get /v1/models/{id}": "getModel",
  "get /v1/models/{id}/versions/{v}": "getModelVersion",
  "get /v1/models/{id}/samples": "getSamples",
  "get /v1/models/{id}/versions/{v}/samples": "getVersionSamples",
  "post /v1/sign": "signUrls",
  "post /v1/admin/reload": "reloadModels",
  "get /v1/s/{file}": "getSignedSamples",
};

/**
 * What every operation carries for tools (linters, code generators, validating proxies): an
 * `operationId`, its `security` (public routes declare none: `[]`), and a 4XX answer.
 */
function completeOperations(doc: Record<string, unknown>): Record<string, unknown> {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (typeof op !== "object" || op === null || !("responses" in op)) continue;
      op.operationId ??= OPERATION_IDS[`${method} ${path}`] ??
        `${method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c) => (c ? c.toUpperCase() : ""))}`;
      op.security ??= [];
      const responses = op.responses as Record<string, unknown>;
      if (!Object.keys(responses).some((s) => s.startsWith("4"))) {
        responses["4XX"] = {
          description: "A refused request (`{error: {code, message}}`), e.g. `not_found`",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        };
      }
    }
  }
  return doc;
}

/** The document as JSON bytes with their strong ETag. */
export interface DocumentBytes {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}

/**
 * The JSON of {@linkcode openApiDocument} of the app `root()` returns (the app this route is
 * mounted in, complete by the first request), built on first use and kept.
 */
// deno-lint-ignore no-explicit-any
export function documentBytes(root: () => OpenAPIHono<any, any, any>): () => DocumentBytes {
  let built: DocumentBytes | undefined;
  return () => {
    if (!built) {
      const body = new TextEncoder().encode(JSON.stringify(openApiDocument(root())));
      built = { body, etag: `"${sha256HexSync(body).slice(0, 32)}"` };
    }
    return built;
  };
}
