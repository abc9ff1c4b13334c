/**
 * Builds the Cloudflare Worker: `deno task build:worker [--models models] [--out dist/worker]
 * [--model id ...] [--versions N]`. Bundles `edge/worker.ts` (the same Hono app as the Deno
 * server) with esbuild into `worker.js`, copies `tfjs-backend-wasm-simd.wasm` (imported as a
 * compiled module) and, for every version of each model present at build time (or its newest N),
 * the `manifest.json` and `tfjs/` files (Data modules), and writes `worker.capnp` (workerd) and
 * `wrangler.toml` (Cloudflare). Prints the sizes against the Worker size limits. A Worker serves
 * the versions it was built with: shipping a new version there is a new build and deploy.
 *
 * @module
 */

import * as esbuild from "esbuild";
import { workerdConfig, wranglerConfig } from "./_worker_config.ts";
import { type BundledFile, copyModel, modelVersions } from "./_worker_models.ts";

/** Options for {@linkcode buildWorker}. */
export interface BuildWorkerOptions {
  /** Folder of model folders. @default {"models"} */
  models?: string;
  /** Output folder (emptied first). @default {"dist/worker"} */
  out?: string;
  /** Model ids to bundle. @default {undefined} (every model folder with the TF.js files) */
  ids?: readonly string[];
  /** Newest versions of each model to bundle. @default {undefined} (every version present) */
  versions?: number;
  /** Minify `worker.js`. @default {true} */
  minify?: boolean;
  /** Bundle the API reference page's script (`/docs`). @default {true} */
  docs?: boolean;
}

/** What was built: paths and sizes in bytes. */
export interface WorkerBuild {
  out: string;
  /** Bundled models and versions, e.g. `grid25 v1`. */
  models: string[];
  /** `worker.js` raw and gzip. */
  script: { raw: number; gzip: number };
  /** Everything uploaded (script, `.wasm`, model files), raw and gzip. */
  total: { raw: number; gzip: number };
}

const ROOT = new URL("../", import.meta.url);
/** The binary the Deno server loads too (SIMD, no threads), so results match bit for bit. */
const WASM_FILE = "tfjs-backend-wasm-simd.wasm";
const WASM_SOURCE = new URL(`node_modules/@tensorflow/tfjs-backend-wasm/dist/${WASM_FILE}`, ROOT);
/** The API reference page's script (`#scalar/standalone.js` in deno.json), a Data module. */
const DOCS_SCRIPT = "docs/scalar-standalone.js.bin";
const DOCS_ALIAS = "#scalar/standalone.js";

/** What the Worker imports as `@tensorflow/tfjs`: core (with chained ops) and layers. */
const TFJS_SERVING = [
  'import "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";',
  'export * from "@tensorflow/tfjs-core";',
  'export * from "@tensorflow/tfjs-layers";',
].join("\n");

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** The entry module: each of `modules` imported once, every bundled path mapped to its module. */
function entrySource(data: readonly BundledFile[], modules: readonly string[]): string {
  const imports = modules.map((m, i) => `import f${i} from ${JSON.stringify(`./${m}`)};`);
  const files = data.map((f) =>
    `  ${JSON.stringify(f.path.slice("models/".length))}: f${modules.indexOf(f.module)},`
  );
  const worker = new URL("edge/worker.ts", ROOT).pathname;
  return [
    `import { env } from "cloudflare:workers";`,
    `import wasmModule from "./${WASM_FILE}";`,
    ...imports,
    `import { createWorker } from ${JSON.stringify(worker)};`,
    // The environment at module evaluation: the models load while the isolate starts.
    `export default createWorker({ wasmModule, files: {\n${files.join("\n")}\n} }, { env });`,
  ].join("\n");
}

/** Builds the Worker into `options.out`. */
export async function buildWorker(options: BuildWorkerOptions = {}): Promise<WorkerBuild> {
  const dir = options.models ?? "models";
  const out = options.out ?? "dist/worker";
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.mkdir(out, { recursive: true });
  const versions = await modelVersions(dir, options);
  const data: BundledFile[] = [];
  const bundled: string[] = [];
  const seen = new Map<string, string>();
  for (const [id, folders] of versions) {
    for (const folder of folders) {
      data.push(...await copyModel(dir, { id, folder, seen }, out));
      bundled.push(`${id} v${folder.version}`);
    }
  }
  const modules = [...new Set(data.map((f) => f.module))];
  await Deno.copyFile(WASM_SOURCE, `${out}/${WASM_FILE}`);
  await Deno.mkdir(`${out}/docs`, { recursive: true });
  // --no-docs: the reference page's script (about 1.2 MiB gzip) becomes an empty Data module;
  // /docs and /docs/scalar.js then answer 404, /openapi.json stays.
  if (options.docs ?? true) await Deno.copyFile(await docsScriptSource(), `${out}/${DOCS_SCRIPT}`);
  else await Deno.writeFile(`${out}/${DOCS_SCRIPT}`, new Uint8Array(0));
  try {
    await esbuild.build({
      stdin: { contents: entrySource(data, modules), resolveDir: ROOT.pathname, loader: "js" },
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      conditions: ["workerd", "worker", "browser"],
      outfile: `${out}/worker.js`,
      minify: options.minify ?? true,
      legalComments: "none",
      logLevel: "warning",
      // The binary and the model files stay separate modules, imported by name.
      plugins: [{
        name: "worker-modules",
        setup(build) {
          build.onResolve(
            { filter: /^cloudflare:/ },
            (args) => ({ path: args.path, external: true }),
          );
          build.onResolve({ filter: /^\.\/(models\/|tfjs-backend-wasm)/ }, (args) => {
            return args.importer === "<stdin>" ? { path: args.path, external: true } : undefined;
          });
          // The reference page's script: Deno imports it as bytes; the Worker as a Data module
          // (an ArrayBuffer, not parsed as part of worker.js).
          build.onResolve({ filter: /^#scalar\/standalone\.js$/ }, () => ({
            path: DOCS_ALIAS,
            namespace: "docs-script",
          }));
          build.onLoad({ filter: /.*/, namespace: "docs-script" }, () => ({
            contents: `export { default } from ${JSON.stringify(`./${DOCS_SCRIPT}`)};`,
            loader: "js",
          }));
          build.onResolve({ filter: /^\.\/docs\// }, (args) => {
            return args.namespace === "docs-script"
              ? { path: args.path, external: true }
              : undefined;
          });
          // `@tensorflow/tfjs` also bundles the WebGL and CPU backends, converter and data:
          // serving needs core and layers only (about half the script and its start-up).
          build.onResolve({ filter: /^@tensorflow\/tfjs$/ }, () => ({
            path: "tfjs-serving",
            namespace: "tfjs-serving",
          }));
          build.onLoad({ filter: /.*/, namespace: "tfjs-serving" }, async () => ({
            contents: TFJS_SERVING,
            resolveDir: await Deno.realPath(new URL("node_modules/@tensorflow/tfjs", ROOT)),
          }));
          // backends/open.ts imports the ONNX Runtime backend on demand; Workers have no native
          // addons, so it becomes a module that refuses (the service's opener offers wasm only).
          build.onResolve({ filter: /\/onnx_node\.ts$/ }, () => ({
            path: "onnx-unavailable",
            namespace: "onnx-unavailable",
          }));
          build.onLoad({ filter: /.*/, namespace: "onnx-unavailable" }, () => ({
            contents: "export function openOnnxBackend() {\n" +
              '  throw new Error("onnxruntime-node is not available in Workers");\n}\n',
            loader: "js",
          }));
        },
      }],
    });
  } finally {
    await esbuild.stop();
  }
  await Deno.writeTextFile(
    `${out}/worker.capnp`,
    workerdConfig({ wasm: [WASM_FILE], data: [...modules, DOCS_SCRIPT] }),
  );
  await Deno.writeTextFile(`${out}/wrangler.toml`, wranglerConfig());
  const script = await Deno.readFile(`${out}/worker.js`);
  const total = { raw: 0, gzip: 0 };
  for (const path of ["worker.js", WASM_FILE, DOCS_SCRIPT, ...modules]) {
    const bytes = await Deno.readFile(`${out}/${path}`);
    total.raw += bytes.byteLength;
    total.gzip += await gzipSize(bytes);
  }
  return {
    out,
    models: bundled,
    script: { raw: script.byteLength, gzip: await gzipSize(script) },
    total,
  };
}

/** The file `#scalar/standalone.js` names in deno.json (in node_modules). */
async function docsScriptSource(): Promise<URL> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  return new URL(config.imports[DOCS_ALIAS], ROOT);
}

/** The `--help` text: every flag with what it takes and its default, and an example. */
export const BUILD_WORKER_HELP = [
  "Bundle the Cloudflare Worker (edge/worker.ts) with model versions into a folder for wrangler.",
  "",
  "usage: deno task build:worker [--models DIR] [--out DIR] [--model ID]... [--versions N]",
  "",
  "flags:",
  "  --models DIR  the models folder to bundle from (default: models)",
  "  --out DIR  the output folder (default: dist/worker)",
  "  --model ID  bundle this model; repeat for several (default: every model with TF.js files)",
  "  --versions N  newest versions kept per model (default: every usable version)",
  "  --no-docs  leave out the API reference page's script (about 1.2 MiB gzip; /docs answers 404)",
  "  --help  print this help and exit",
  "",
  "example:",
  "  deno task build:worker --model grid25 --versions 1 && npx wrangler deploy --dry-run",
].join("\n");

function flags(args: string[]): BuildWorkerOptions {
  const options: {
    models?: string;
    out?: string;
    ids?: string[];
    versions?: number;
    docs?: boolean;
  } = {};
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === "--no-docs") {
      options.docs = false;
      i--;
      continue;
    }
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined || value.startsWith("--")) {
      throw new RangeError(`Cannot build the Worker as '${flag}' needs a value`);
    }
    if (flag === "--models") options.models = value;
    else if (flag === "--out") options.out = value;
    else if (flag === "--model") (options.ids ??= []).push(value);
    else if (flag === "--versions") {
      if (!/^[1-9][0-9]{0,3}$/.test(value)) {
        throw new RangeError(
          `Cannot build the Worker as '--versions' must be a positive integer: current value is '${value}'`,
        );
      }
      options.versions = Number(value);
    } else {
      throw new RangeError(
        `Cannot build the Worker as '${flag}' is not a flag: use --models, --out, --model, --versions, --no-docs`,
      );
    }
  }
  return options;
}

const MIB = 1024 * 1024;

if (import.meta.main && (Deno.args.includes("--help") || Deno.args.includes("-h"))) {
  console.log(BUILD_WORKER_HELP);
} else if (import.meta.main) {
  try {
    const build = await buildWorker(flags(Deno.args));
    const mib = (n: number) => `${(n / MIB).toFixed(2)} MiB`;
    console.log(`Built ${build.out}/ with model(s): ${build.models.join(", ") || "none"}`);
    console.log(`worker.js ${mib(build.script.raw)} (gzip ${mib(build.script.gzip)})`);
    console.log(
      `upload ${mib(build.total.raw)} (gzip ${mib(build.total.gzip)}): ` +
        `limit 3 MiB free ${build.total.gzip <= 3 * MIB ? "ok" : "EXCEEDED"}, ` +
        `10 MiB paid ${build.total.gzip <= 10 * MIB ? "ok" : "EXCEEDED"}`,
    );
    if (build.total.gzip > 10 * MIB) {
      const ways = [
        ["--versions", "fewer versions (--versions 1: the newest of each model)"],
        ["--model", "fewer models (--model ID)"],
        ["--no-docs", "no API reference page (--no-docs, about 1.2 MiB gzip)"],
      ].filter(([flag]) => !Deno.args.includes(flag)).map(([, way]) => way);
      console.log(
        "Cloudflare refuses this upload on every plan" +
          (ways.length ? `: bundle ${ways.join(", or ")}` : ": bundle fewer models"),
      );
    }
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
