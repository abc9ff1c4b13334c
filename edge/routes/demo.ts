/**
 * `GET /` and `GET /demo`: the demo page (raw G vs a filtered sampler, DRS by default, as
 * galleries of signed URLs; a class picker for class-conditional models, a sampler picker and an
 * acceptance slider); `GET /demo/urls`: the same URLs as JSON, re-minted for new settings.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppDeps, AppEnv } from "../deps.ts";
import { demoHtml, type DemoPair } from "../demo/page.ts";
import { HttpError } from "../errors.ts";
import { MAX_N, resolveClass } from "../query.ts";
import { samplerDefaults } from "../../shared/manifest.ts";
import { MAX_K } from "../../shared/mh.ts";
import { MAX_PSI } from "../../shared/truncation.ts";
import type { LoadedModel } from "../registry.ts";
import { signedSampleUrl } from "../signed_url.ts";
import { findModel } from "./models.ts";

/** Seeds shown in the gallery (fixed, so the page is the same for everyone). */
export const DEMO_SEEDS = [1, 2, 3, 4, 5, 6] as const;

const querySchema = z.object({
  model: z.string().max(64).optional(),
  acceptance: z.coerce.number().gt(0).lt(1).optional(),
  /** A class index or label, or `any` (classes drawn per proposal). */
  class: z.string().min(1).max(64).optional(),
  sampler: z.enum(["drs", "mh", "truncation"]).optional(),
  k: z.coerce.number().int().min(2).max(MAX_K).optional(),
  psi: z.coerce.number().gt(0).max(MAX_PSI).optional(),
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
  const key = deps.keys[0];
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
    })).href,
    drs: (await signedSampleUrl(key, { ...common, seed, ...filtered }, {
      base: options.origin,
      expiresAt,
    })).href,
  })));
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
export function demoRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const page = async (url: URL) => {
    const q = parseQuery(url);
    const model = pickModel(deps, q.model);
    const expected = model.manifest.drs.expectedAcceptance;
    const defaults = samplerDefaults(model.manifest.samplers);
    const settings: DemoSettings = {
      acceptance: q.acceptance ?? Math.min(0.95, Math.max(0.05, expected)),
      label: q.class === undefined || q.class === "any"
        ? undefined
        : resolveClass(model.manifest, q.class),
      sampler: q.sampler ?? "drs",
      k: q.k ?? defaults.k,
      psi: q.psi ?? defaults.psi,
    };
    const pairs = await mintPairs(deps, model, { origin: url.origin, ...settings });
    return { model, settings, expected, pairs };
  };
  for (const path of ["/", "/demo"]) {
    app.get(path, async (c) => {
      c.set("route", path);
      const { model, settings, expected, pairs } = await page(new URL(c.req.url));
      return c.html(demoHtml({
        models: deps.registry.models().map((m) => m.id),
        model: model.id,
        classes: model.manifest.classes ?? [],
        ...settings,
        expectedAcceptance: expected,
        pairs,
      }));
    });
  }
  app.get("/demo/urls", async (c) => {
    c.set("route", "/demo/urls");
    const { model, settings, pairs } = await page(new URL(c.req.url));
    return c.json({ model: model.id, ...settings, pairs });
  });
  return app;
}
