/**
 * The HTTP contract of the sample service, run against any origin (the Deno server, the Worker
 * in workerd): health, models list, JSON and PNG samples, a bad parameter, signed URLs
 * (accepted, 304, tampered, unsigned, unknown key, expired), the admin sign route and metrics.
 * Returns the bodies of the deterministic requests so two runtimes can be compared byte for byte.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { SigningKey } from "../shared/signing.ts";
import { signedSampleUrl } from "../edge/signed_url.ts";

/** What the contract needs to know about the server. */
export interface ContractOptions {
  /** A model the server serves. */
  model: string;
  /** Its `kind` in `/v1/models/:id`. */
  kind: "points2d" | "image";
  /** The key the server verifies with (the first of its `DRS_SIGNING_KEYS`). */
  key: SigningKey;
  /** The server's `DRS_ADMIN_TOKEN`. */
  adminToken: string;
  /** Backend the server reports. */
  backend: string;
}

/** Deterministic bodies by name (same name, same request on every runtime). */
export type ContractBodies = Map<string, { bytes: Uint8Array; etag: string | null }>;

// deno-lint-ignore no-explicit-any
async function json(res: Response): Promise<any> {
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  return await res.json();
}

async function bytesOf(res: Response): Promise<Uint8Array> {
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Signed paths (no origin) the contract fetches, pinned to model version 1 (every runtime
 * serves it); mint once and pass to every runtime.
 */
export async function signedPaths(
  options: { model: string; key: SigningKey },
): Promise<Record<string, string>> {
  const expiresAt = Math.floor(Date.now() / 1000) + 3600;
  const sign = async (format: "png" | "json", n: number, seed: number) => {
    const url = await signedSampleUrl(
      options.key,
      { model: options.model, seed, n, format, version: 1 },
      { base: "http://signed.invalid", expiresAt },
    );
    return url.pathname + url.search;
  };
  const expired = new URL(
    await signedSampleUrl(options.key, { model: options.model, seed: 1 }, {
      base: "http://signed.invalid",
      expiresAt: 1_000_000_000,
    }),
  );
  return {
    png: await sign("png", 16, 7),
    json: await sign("json", 8, 11),
    expired: expired.pathname + expired.search,
  };
}

/** Class-conditional models: a class by index and by label, `class=all`, an unknown class. */
async function checkClasses(
  origin: string,
  options: {
    model: string;
    classes: string[];
    keep: (name: string, res: Response) => Promise<Uint8Array>;
  },
): Promise<void> {
  const { model, classes, keep } = options;
  const base = `${origin}/v1/models/${model}/samples`;
  const last = classes.length - 1;
  const byIndex = await keep("class.json", await fetch(`${base}?n=8&seed=3&class=${last}`));
  const body = JSON.parse(new TextDecoder().decode(byIndex));
  assert.equal(body.class, last);
  assert.deepEqual(body.classes, Array(8).fill(last));
  const byLabel = await fetch(`${base}?n=8&seed=3&class=${encodeURIComponent(classes[last])}`);
  assert.deepEqual(await bytesOf(byLabel), byIndex, "a label and its index give the same bytes");
  const grid = await keep("classes.png", await fetch(`${base}?n=3&seed=2&class=all&format=png`));
  assert.deepEqual([...grid.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const unknown = await fetch(`${base}?n=1&seed=1&class=no-such-class`);
  assert.equal(unknown.status, 400);
  const { error } = await json(unknown);
  assert.equal(error.details.parameter, "class");
  assert.ok(error.message.includes(`0 (${classes[0]})`), error.message);
}

/** Runs the contract against `origin`; throws an AssertionError naming what failed. */
export async function checkContract(
  origin: string,
  options: ContractOptions & { signed: Record<string, string> },
): Promise<ContractBodies> {
  const { model, signed } = options;
  const bodies: ContractBodies = new Map();
  const keep = async (name: string, res: Response) => {
    assert.equal(res.status, 200, `${name}: status`);
    const bytes = await bytesOf(res);
    bodies.set(name, { bytes, etag: res.headers.get("etag") });
    return bytes;
  };
  assert.deepEqual(await json(await fetch(`${origin}/healthz`)), { status: "ok" });
  const ready = await json(await fetch(`${origin}/readyz`));
  assert.deepEqual(ready.models, [model]);
  const list = await json(await fetch(`${origin}/v1/models`));
  assert.deepEqual(list.models.map((m: { id: string }) => m.id), [model]);
  assert.deepEqual(list.unavailable, []);
  const info = await json(await fetch(`${origin}/v1/models/${model}`));
  assert.equal(info.backend, options.backend);
  assert.equal(info.kind, options.kind);

  const url = `${origin}/v1/models/${model}/samples?n=64&seed=7`;
  const a = await keep("samples.json", await fetch(url));
  assert.deepEqual(a, await bytesOf(await fetch(url)), "same request, same bytes");
  const body = JSON.parse(new TextDecoder().decode(a));
  assert.equal(body.samples.length, 64);
  assert.equal(body.seed, 7);
  assert.equal(body.stats.accepted, 64);
  await keep("raw.json", await fetch(`${origin}/v1/models/${model}/samples?n=32&seed=5&drs=false`));
  const png = await fetch(`${origin}/v1/models/${model}/samples?n=64&seed=1&format=png`);
  assert.equal(png.headers.get("content-type"), "image/png");
  assert.deepEqual([...(await keep("samples.png", png)).slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const bad = await fetch(`${origin}/v1/models/${model}/samples?n=1000`);
  assert.equal(bad.status, 400);
  assert.match((await json(bad)).error.message, /'n'/);

  if (info.classes) await checkClasses(origin, { model, classes: info.classes, keep });

  const image = await fetch(origin + signed.png);
  assert.match(image.headers.get("cache-control")!, /^public, max-age=\d+, immutable$/);
  assert.equal(image.headers.get("access-control-allow-origin"), "*");
  assert.equal(image.headers.get("content-type"), "image/png");
  await keep("signed.png", image);
  const again = await fetch(origin + signed.png, {
    headers: { "if-none-match": image.headers.get("etag")! },
  });
  await again.body?.cancel();
  assert.equal(again.status, 304);
  await keep("signed.json", await fetch(origin + signed.json));
  const denied: [string, string, number][] = [
    ["bad_signature", signed.png.replace("n=16", "n=15"), 403],
    ["unsigned", `/v1/s/${model}.png?n=16&seed=7`, 403],
    ["unknown_key", signed.png.replace(`kid=${options.key.id}`, "kid=nobody"), 403],
    ["expired", signed.expired, 410],
  ];
  for (const [code, path, status] of denied) {
    const res = await fetch(origin + path);
    assert.equal(res.status, status, `${code}: status`);
    assert.equal((await json(res)).error.code, code);
  }

  const minted = await json(
    await fetch(`${origin}/v1/sign`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${options.adminToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ model, seed: 3, n: 4, ttl: 600 }),
    }),
  );
  assert.ok(minted.url.startsWith(`${origin}/v1/s/${model}.png?`), minted.url);
  const mintedImage = await fetch(minted.url);
  await mintedImage.arrayBuffer();
  assert.equal(mintedImage.status, 200);
  if (info.classes) {
    const label = info.classes[info.classes.length - 1];
    const withClass = await json(
      await fetch(`${origin}/v1/sign`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${options.adminToken}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ model, seed: 3, n: 4, ttl: 600, class: label }),
      }),
    );
    assert.equal(new URL(withClass.url).searchParams.get("class"), label);
    const classImage = await fetch(withClass.url);
    await keep("signed-class.png", classImage);
  }
  const forbidden = await fetch(`${origin}/v1/sign`, { method: "POST", body: "{}" });
  assert.equal(forbidden.status, 401, "sign without the admin token");
  await forbidden.body?.cancel();

  const metrics = await (await fetch(`${origin}/metrics`)).text();
  assert.match(metrics, new RegExp(`drs_accepted_total\\{model="${model}",version="1"\\} \\d+`));
  return bodies;
}
