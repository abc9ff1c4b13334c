/**
 * Who a request comes from, for per-client fairness (`limiter.ts`): the address a trusted
 * proxy names in `clientHeader` (`cf-connecting-ip`; `x-forwarded-for`, its first address), or
 * the connection's address that the entry point passes as `remoteAddr` in the fetch `env`
 * (Deno). Neither: the request is anonymous (it shares the queue, with no per-client cap).
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./deps.ts";

/** Middleware setting the `client` variable. */
export function clientKey(header?: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let key: string | undefined;
    if (header) key = c.req.header(header)?.split(",")[0]?.trim() || undefined;
    key ??= (c.env as { remoteAddr?: string } | undefined)?.remoteAddr;
    if (key) c.set("client", key.slice(0, 64));
    await next();
  };
}
