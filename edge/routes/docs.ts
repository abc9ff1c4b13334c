/**
 * `GET /openapi.json` (the OpenAPI 3.1 document of the app, generated from the routes' zod
 * definitions), `GET /docs` (the API reference page, Scalar) and `GET /docs/scalar.js` (the
 * page's script, served by the app itself: the page loads nothing from another origin).
 *
 * @module
 */

import { createRoute, OpenAPIHono, type OpenAPIHono as App } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../deps.ts";
import { HttpError } from "../errors.ts";
import { documentBytes } from "../openapi/document.ts";
import { documented } from "../openapi/route.ts";
import { headers } from "../openapi/headers.ts";
import { scalarBundle } from "../openapi/scalar_bundle.ts";
import { etagMatches } from "../sample_response.ts";

/** A Worker built with `--no-docs` has no reference page (the document stays). */
function leftOut(): HttpError {
  return new HttpError(
    404,
    "not_found",
    "Cannot show the API reference as this build leaves it out (build:worker --no-docs): " +
      "/openapi.json is the document",
  );
}

/** Path of the reference page's script. */
export const DOCS_SCRIPT = "/docs/scalar.js";

const revalidated = headers(["ETag"]);

const documentRoute = createRoute({
  method: "get",
  path: "/openapi.json",
  tags: ["Reference"],
  summary: "This OpenAPI 3.1 document",
  responses: {
    200: {
      description: "The document (`Cache-Control: no-cache`: revalidate with `If-None-Match`)",
      headers: revalidated,
      content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
    },
    304: { description: "Not modified", headers: revalidated },
  },
});

const pageRoute = createRoute({
  method: "get",
  path: "/docs",
  tags: ["Reference"],
  summary: "The API reference page",
  description: "This document, rendered (Scalar); its script and data come from this server.",
  responses: {
    200: { description: "HTML", content: { "text/html": { schema: z.string() } } },
  },
});

const scriptRoute = createRoute({
  method: "get",
  path: DOCS_SCRIPT,
  tags: ["Reference"],
  summary: "The reference page's script",
  description: "`@scalar/api-reference`'s standalone bundle, served by this server.",
  responses: {
    200: {
      description: "JavaScript",
      headers: revalidated,
      content: { "text/javascript": { schema: z.string() } },
    },
    304: { description: "Not modified", headers: revalidated },
  },
});

/** The page: this server's document and script; nothing fetched from anywhere else. */
const page = Scalar<AppEnv>({
  pageTitle: "drs-edge API reference",
  url: "/openapi.json",
  cdn: DOCS_SCRIPT,
  withDefaultFonts: false,
  telemetry: false,
  showDeveloperTools: "never",
  agent: { disabled: true },
  mcp: { disabled: true },
  hideClientButton: false,
  defaultOpenFirstTag: true,
  modelsSectionLabel: "Schemas",
});

function cached(
  c: Context<AppEnv>,
  body: { bytes: Uint8Array<ArrayBuffer>; etag: string; type: string; cache: string },
): Response {
  const common = { etag: body.etag, "cache-control": body.cache };
  if (etagMatches(c.req.header("if-none-match"), body.etag)) return c.body(null, 304, common);
  return c.body(body.bytes, 200, { ...common, "content-type": body.type });
}

/**
 * The reference routes. `root` is the app whose routes the document describes (this one is
 * mounted in it).
 */
// deno-lint-ignore no-explicit-any
export function docsRoutes(root: () => App<any, any, any>) {
  const app = new OpenAPIHono<AppEnv>();
  const document = documentBytes(root);
  let scriptTag: Promise<string> | undefined;
  return app
    .openapi(documented(app, documentRoute), (c) => {
      c.set("route", "/openapi.json");
      const { body, etag } = document();
      const type = "application/json; charset=utf-8";
      return cached(c, { bytes: body, etag, type, cache: "no-cache" });
    })
    .openapi(documented(app, pageRoute), async (c) => {
      c.set("route", "/docs");
      if (scalarBundle().length === 0) throw leftOut();
      return (await page(c, () => Promise.resolve()))!;
    })
    .openapi(documented(app, scriptRoute), async (c) => {
      c.set("route", DOCS_SCRIPT);
      const bytes = scalarBundle();
      if (bytes.length === 0) throw leftOut();
      scriptTag ??= crypto.subtle.digest("SHA-256", bytes).then((d) =>
        `"${
          [...new Uint8Array(d)].slice(0, 16).map((b) => b.toString(16).padStart(2, "0")).join("")
        }"`
      );
      const type = "text/javascript; charset=utf-8";
      return cached(c, { bytes, etag: await scriptTag, type, cache: "public, max-age=86400" });
    });
}
