/**
 * `GET /` and `GET /demo`: the demo page (raw G vs a filtered sampler, DRS by default, as
 * galleries of signed URLs; a class picker for class-conditional models, a sampler picker and an
 * acceptance slider); `GET /demo/urls`: the same URLs as JSON, re-minted for new settings.
 *
 * @module
 */

import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import type { AppDeps, AppEnv } from "../deps.ts";
import { demoHtml, type DemoPair } from "../demo/page.ts";
import { HttpError } from "../errors.ts";
import { documented } from "../openapi/route.ts";
import { errors, json } from "../openapi/responses.ts";
import { demoUrlsSchema } from "../openapi/schemas.ts";
import { MAX_N, resolveClass } from "../query.ts";
import { samplerDefaults } from "../../shared/manifest.ts";
import { MAX_PSI } from "../../shared/truncation.ts";
import type { LoadedModel } from "../registry.ts";
import { signedSampleUrl } from "../signed_url.ts";
import { findModel } from "./models.ts";

/** Seeds shown in the gallery (fixed, so the page is the same for everyone). */
export const DEMO_SEEDS = [1, 2, 3, 4, 5, 6] as const;

const querySchema = z.object({
  model: z.string().max(64).optional().meta({
    description: "Model id (default: the first image model)",
  }),
  acceptance: z.coerce.number().gt(0).lt(1).optional().meta({
    description: "DRS acceptance target of the gallery",
  }),
  class: z.string().min(1).max(64).optional().meta({
    description: "A class index or label of a class-conditional model, or `any`",
  }),
  sampler: z.enum(["drs", "mh", "truncation"]).optional().meta({
    description: "The filtered column's sampler (default `drs`)",
  }),
  k: z.coerce.number().int().min(2).max(16).optional().meta({
    description: "MH chain length (with `sampler=mh`)",
  }),
  psi: z.coerce.number().gt(0).max(MAX_PSI).optional().meta({
    description: "Truncation threshold (with `sampler=truncation`)",
  }),
});

/** The filtered column's settings (the left column is always raw G). */
export interface DemoSettings {
  acceptance: number;
  /** The chosen class index, undefined for any class. */
  label?: number;
  sampler: "drs" | "mh" | "truncation";
  k: number;
  psi: number;
}

const DEMO_ERRORS = errors({
  400: "`bad_query`",
  404: "`model_not_found`",
  503: "`no_models`, `model_unavailable`",
});

/** `GET /` and `GET /demo` (the same page). */
const page = {
  method: "get" as const,
  tags: ["Demo"],
  description: "Raw G vs a filtered sampler (DRS, MH-GAN or truncation) as galleries of signed " +
    "URLs, with a class picker for class-conditional models.",
  request: { query: querySchema },
  responses: {
    200: { description: "HTML", content: { "text/html": { schema: z.string() } } },
    ...DEMO_ERRORS,
  },
};
const rootRoute = createRoute({ ...page, path: "/", summary: "The demo page" });
const demoRoute = createRoute({ ...page, path: "/demo", summary: "The demo page (also at `/`)" });

const urlsRoute = createRoute({
  method: "get",
  path: "/demo/urls",
  tags: ["Demo"],
  summary: "The demo's signed URLs",
  description: "The gallery's URLs, re-minted for new settings (class, sampler, acceptance).",
  request: { query: querySchema },
  responses: { 200: json(demoUrlsSchema, "Raw and DRS URLs per seed"), ...DEMO_ERRORS },
});

function pickModel(deps: AppDeps, id: string | undefined): LoadedModel {
  if (id !== undefined) return findModel(deps, id);
  const models = deps.registry.models();
  const model = models.find((m) => m.manifest.kind === "image") ?? models[0];
  if (!model) throw new HttpError(503, "no_models", "Cannot show the demo as no model is loaded");
  return model;
}

/** Signed raw and filtered (DRS, MH or truncation) URLs for each demo seed. */
async function mintPairs(
  deps: AppDeps,
  model: LoadedModel,
  options: { origin: string } & DemoSettings,
): Promise<DemoPair[]> {
  const image = model.manifest.kind === "image";
  const common = {
    model: model.id,
    version: model.version,
    n: image ? 16 : MAX_N,
    scale: image ? 2 : 1,
    ...(options.label !== undefined ? { class: options.label } : {}),
  };
  // Expiry rounded to the hour, so a page reload mints the same (cacheable) URLs.
  const expiresAt = (Math.floor(deps.nowSeconds() / 3600) + 2) * 3600;
  // The demo's own short-lived key: the demo never mints with a production key.
  const key = await deps.demoKey.get();
  const acceptance = Math.round(options.acceptance * 100) / 100;
  const filtered = options.sampler === "drs"
    ? { acceptance }
    : options.sampler === "mh"
    ? { sampler: "mh" as const, k: options.k }
    : { sampler: "truncation" as const, psi: options.psi };
  return await Promise.all(DEMO_SEEDS.map(async (seed) => ({
    seed,
    raw: (await signedSampleUrl(key, { ...common, seed, drs: false }, {
      base: options.origin,
      expiresAt,
      bindHost: deps.security.bindHost,
    })).href,
    drs: (await signedSampleUrl(key, { ...common, seed, ...filtered }, {
      base: options.origin,
      expiresAt,
      bindHost: deps.security.bindHost,
    })).href,
  })));
}

/** The demo compares one class (or any): `all` shows as any. */
function demoClass(resolved: number | "all" | undefined): number | undefined {
  return resolved === "all" ? undefined : resolved;
}

function parseQuery(url: URL) {
  const parsed = querySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(
      400,
      "bad_query",
      `Cannot show the demo as '${issue.path.join(".")}' is invalid: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** The demo routes. */
export function demoRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const page = async (url: URL) => {
    const q = parseQuery(url);
    const model = pickModel(deps, q.model);
    const expected = model.manifest.drs.expectedAcceptance;
    const defaults = samplerDefaults(model.manifest.samplers);
    // The page starts on the model's served default (raw has no comparison: DRS then).
    const served = defaults.default === "raw" ? "drs" : defaults.default;
    const settings: DemoSettings = {
      acceptance: q.acceptance ??
        Math.min(0.95, Math.max(0.05, defaults.acceptance ?? expected)),
      label: demoClass(resolveClass(model.manifest, q.class === "any" ? undefined : q.class)),
      sampler: q.sampler ?? served,
      k: q.k ?? defaults.k,
      psi: q.psi ?? defaults.psi,
    };
    const pairs = await mintPairs(deps, model, { origin: url.origin, ...settings });
    return { model, settings, expected, pairs };
  };
  const html = async (c: Context<AppEnv>, path: "/" | "/demo") => {
    c.set("route", path);
    const { model, settings, expected, pairs } = await page(new URL(c.req.url));
    return c.html(
      demoHtml({
        models: deps.registry.models().map((m) => m.id),
        model: model.id,
        classes: model.manifest.classes ?? [],
        ...settings,
        expectedAcceptance: expected,
        pairs,
      }),
      200,
    );
  };
  return app
    .openapi(documented(app, rootRoute), (c) => html(c, "/"))
    .openapi(documented(app, demoRoute), (c) => html(c, "/demo"))
    .openapi(documented(app, urlsRoute), async (c) => {
      c.set("route", "/demo/urls");
      const { model, settings, pairs } = await page(new URL(c.req.url));
      return c.json({ model: model.id, ...settings, pairs }, 200);
    });
}
