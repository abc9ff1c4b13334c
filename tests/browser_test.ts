/**
 * End to end in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core) opens a page served from a different origin that embeds signed `<img>`
 * URLs of the real server (MNIST grids, raw and DRS, and single 28 x 28 images upscaled).
 * Every image must load with a non-zero natural size and a tampered URL must fail. Also opens
 * the server's own demo page, and its API reference page (`/docs`) with every other origin cut
 * off. Screenshots go to tests/artifacts/ (gitignored).
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { importSigningKey } from "../shared/signing.ts";
import { signedSampleUrl } from "../edge/signed_url.ts";
import { startServer } from "../testing/server_process.ts";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = new URL("./artifacts/", import.meta.url).pathname;
const SECRET = btoa("browser-test-secret-32-bytes-long!");

// Browser-side expressions (strings: this file is type-checked without the DOM lib).
const ALL_COMPLETE = "Array.from(document.images).every((i) => i.complete)";
const IMG_STATES = "Array.from(document.images).map((i) => ({ id: i.id, complete: i.complete, " +
  "naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight }))";

interface ImgState {
  id: string;
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
}

function embedPage(images: { id: string; src: string }[]): string {
  const tags = images.map((i) =>
    `<figure><img id="${i.id}" src="${i.src}"><figcaption>${i.id}</figcaption></figure>`
  );
  return `<!doctype html><html><head><title>embed</title><style>
body{font:13px sans-serif;display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
img{image-rendering:pixelated;border:1px solid #999}figure{margin:0}</style></head>
<body>${tags.join("")}</body></html>`;
}

const present = await Deno.stat(CHROMIUM).then(() => true, () => false);
// CI installs Chromium (scripts/ensure_chromium.sh): there a missing one fails; elsewhere the
// test is skipped and says why.
const inCi = Boolean(Deno.env.get("CI"));
if (!present && !inCi) {
  console.warn(
    `tests/browser_test.ts skipped: '${CHROMIUM}' is missing (apt-get install -y chromium)`,
  );
}

Deno.test({
  name: "a page on another origin embeds signed MNIST images from the real server",
  ignore: !present && !inCi,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    assert.ok(
      present,
      `Cannot run the browser test as '${CHROMIUM}' is missing: apt-get install -y chromium`,
    );
    const server = await startServer({
      env: {
        // The shipped models (a scratch folder can stand in while developing).
        DRS_MODELS_DIR: Deno.env.get("DRS_TEST_MODELS_DIR") ?? "models",
        DRS_SIGNING_KEYS: `k1:${SECRET}`,
        DRS_BACKEND: "onnx",
      },
    });
    const key = await importSigningKey("k1", SECRET);
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const sign = async (params: Parameters<typeof signedSampleUrl>[1]) =>
      (await signedSampleUrl(key, params, { base: server.origin, expiresAt })).href;
    const good = [
      { id: "raw-grid", src: await sign({ model: "mnist", seed: 7, n: 16, drs: false, scale: 2 }) },
      { id: "drs-grid", src: await sign({ model: "mnist", seed: 7, n: 16, scale: 2 }) },
      { id: "single-x1", src: await sign({ model: "mnist", seed: 3, n: 1, scale: 1 }) },
      { id: "single-x8", src: await sign({ model: "mnist", seed: 3, n: 1, scale: 8 }) },
    ];
    const tampered = new URL(good[1].src);
    tampered.searchParams.set("seed", "8");
    const images = [...good, { id: "tampered", src: tampered.href }];
    const pageServer = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen: () => {} },
      () => new Response(embedPage(images), { headers: { "content-type": "text/html" } }),
    );
    const pageOrigin = `http://127.0.0.1:${pageServer.addr.port}`;
    const userDataDir = await Deno.makeTempDir({ prefix: "drs-chromium-" });
    let browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
    try {
      // A fresh profile per run (playwright passes it as --user-data-dir).
      browser = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 900, height: 700 },
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      assert.ok(new URL(pageOrigin).origin !== new URL(server.origin).origin);
      const page = await browser.newPage();
      await page.goto(pageOrigin);
      await page.waitForFunction(ALL_COMPLETE, null, { timeout: 60_000 });
      const states = await page.evaluate<ImgState[]>(IMG_STATES);
      await Deno.mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}browser_embed.png`, fullPage: true });
      const byId = Object.fromEntries(states.map((s) => [s.id, s]));
      for (const { id } of good) {
        assert.ok(byId[id].naturalWidth > 0 && byId[id].naturalHeight > 0, `${id} did not load`);
      }
      assert.deepEqual([byId["single-x1"].naturalWidth, byId["single-x1"].naturalHeight], [28, 28]);
      assert.deepEqual([byId["single-x8"].naturalWidth, byId["single-x8"].naturalHeight], [
        224,
        224,
      ]);
      assert.deepEqual(byId["raw-grid"].naturalWidth, 4 * 56 + 5 * 2);
      assert.equal(byId.tampered.naturalWidth, 0, "the tampered URL must not load");
      const direct = await fetch(tampered);
      await direct.body?.cancel();
      assert.equal(direct.status, 403);

      // The server's own demo page: every gallery image loads.
      await page.goto(`${server.origin}/demo?model=mnist&acceptance=0.3`);
      await page.waitForFunction(ALL_COMPLETE, null, { timeout: 60_000 });
      const demo = (await page.evaluate<ImgState[]>(IMG_STATES)).map((i) => i.naturalWidth);
      assert.ok(demo.length >= 2 && demo.every((w) => w > 0), `demo images: ${demo}`);
      // The slider re-mints the DRS URLs for a new acceptance target.
      await page.evaluate(
        "(() => { const s = document.getElementById('acceptance'); s.value = '0.6'; " +
          "s.dispatchEvent(new Event('input')); })()",
      );
      await page.waitForFunction(
        "Array.from(document.querySelectorAll('img.drs')).every((i) => " +
          "i.src.includes('acceptance=0.6') && i.complete && i.naturalWidth > 0)",
        null,
        { timeout: 60_000 },
      );
      await page.screenshot({ path: `${ARTIFACTS}browser_demo.png`, fullPage: true });

      // The API reference page, offline: every request to another origin is refused (and
      // recorded); the page must render the sample route from this server's files alone.
      const docs = await browser.newPage();
      await docs.setViewportSize({ width: 1280, height: 900 });
      const elsewhere: string[] = [];
      await docs.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith(`${server.origin}/`) || /^(data|blob):/.test(url)) {
          return route.continue();
        }
        elsewhere.push(url);
        return route.abort("internetdisconnected");
      });
      await docs.goto(`${server.origin}/docs`);
      await docs.waitForFunction(
        "document.body.innerText.includes('Draw samples') && " +
          "document.body.innerText.includes('/v1/models/{id}/samples')",
        null,
        { timeout: 60_000 },
      );
      // The sample route with its parameters, as the document describes them (the first tag,
      // Samples, is open).
      await docs.waitForFunction(
        "document.body.innerText.includes('Target DRS acceptance rate')",
        null,
        { timeout: 30_000 },
      );
      const text = await docs.evaluate<string>("document.body.innerText");
      for (const param of ["seed", "acceptance", "sampler", "class", "psi"]) {
        assert.match(text, new RegExp(`\\b${param}\\b`), `the page lists '${param}'`);
      }
      await docs.getByRole("heading", { name: "Draw samples", exact: true }).first()
        .scrollIntoViewIfNeeded();
      await docs.screenshot({ path: `${ARTIFACTS}browser_docs.png` });
      assert.deepEqual(elsewhere, [], "the reference page asks nothing of another origin");
    } catch (error) {
      await server.stop();
      console.error(server.log());
      throw error;
    } finally {
      await browser?.close();
      await pageServer.shutdown();
      await server.stop();
      await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    }
  },
});
