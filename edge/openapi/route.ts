/**
 * How a route joins the app: `app.openapi(documented(app, route), handler)`. The route, with its
 * request schemas, goes into the app's OpenAPI document; the handler is registered without the
 * library's request validators. Our own parsing (`parseSampleQuery()`, `versionParam()`, the
 * sign body schema) validates each request once, from the same zod schemas, with the API's error
 * messages and `URLSearchParams` decoding (the decoding signed URLs are verified with); the
 * library's validators would parse every request a second time and answer in another shape.
 *
 * @module
 */

import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";

/**
 * Registers `route` in `app`'s document and returns it for `app.openapi()` minus its request
 * validation. The result keeps the type of `route`, so `app.openapi()` still types the handler's
 * answers and the typed client (`hc`) still gets the request parameters and response bodies.
 */
// deno-lint-ignore no-explicit-any
export function documented<R extends RouteConfig>(app: OpenAPIHono<any, any, any>, route: R): R {
  const { middleware: _middleware, hide: _hide, ...documentation } = route;
  app.openAPIRegistry.registerPath(documentation);
  return { ...route, request: undefined, hide: true } as R;
}
