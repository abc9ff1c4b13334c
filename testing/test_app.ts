/** A ready app over fake models for route tests. @module */

import type { Hono } from "hono";
import type { SigningKey } from "../shared/signing.ts";
import { type AppOptions, createApp } from "../edge/app.ts";
import type { AppEnv } from "../edge/deps.ts";
import { createRegistry, type Registry } from "../edge/registry.ts";
import type { FakeBackend } from "./fake_backends.ts";
import {
  fakeModelFiles,
  fakeOpener,
  memorySource,
  type ModelFiles,
  testKey,
} from "./fake_models.ts";

/** What {@linkcode makeTestApp} returns. */
export interface TestApp {
  app: Hono<AppEnv>;
  registry: Registry;
  opened: FakeBackend[];
  key: SigningKey;
}

/** Options for {@linkcode makeTestApp}. */
export interface TestAppOptions extends Partial<Omit<AppOptions, "registry">> {
  /** Extra or replacement model folders. @default {{}} */
  models?: Record<string, ModelFiles>;
  /** Skip `registry.load()`. @default {false} */
  noLoad?: boolean;
}

/** An app serving fake `grid` (points2d) and `tiles` (image) models, signed with key `k1`. */
export async function makeTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const models = {
    grid: await fakeModelFiles("grid", "points2d"),
    tiles: await fakeModelFiles("tiles", "image"),
    ...options.models,
  };
  const opened: FakeBackend[] = [];
  const registry = createRegistry(memorySource(models), fakeOpener(opened));
  if (!options.noLoad) await registry.load();
  const key = await testKey();
  const app = createApp({ keys: [key], ...options, registry });
  return { app, registry, opened, key };
}
