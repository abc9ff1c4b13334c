/**
 * The demo page as a TS string module (so a Workers bundle carries it without a file read):
 * raw G vs a filtered sampler (DRS, MH or truncation) as galleries of signed sample URLs minted
 * by the server; a class picker for class-conditional models, a sampler picker and its control
 * (DRS acceptance target, MH chain length, truncation psi) re-mint the URLs through
 * `GET /demo/urls`. Plain HTML and a small inline script; no build step.
 *
 * @module
 */

/** One gallery row: the raw and the DRS image of one seed. */
export interface DemoPair {
  seed: number;
  raw: string;
  drs: string;
}

/** What the page shows. */
export interface DemoPageData {
  /** Ids of the loaded models, for the model picker. */
  models: string[];
  model: string;
  /** Labels of a class-conditional model's classes (empty otherwise). */
  classes: readonly string[];
  /** The chosen class index, undefined for any class. */
  label?: number;
  /** The filtered column's sampler. */
  sampler: "drs" | "mh" | "truncation";
  /** Acceptance target of the DRS column, in (0, 1). */
  acceptance: number;
  /** MH chain length. */
  k: number;
  /** Truncation threshold. */
  psi: number;
  /** The model's calibrated acceptance (gamma from the manifest), for the caption. */
  expectedAcceptance: number;
  pairs: DemoPair[];
}

/** `&`, `<`, `>`, `"` and `'` as HTML entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const SAMPLER_LABELS = { drs: "DRS", mh: "MH-GAN", truncation: "truncation" } as const;

function pairHtml(p: DemoPair, filtered: string): string {
  const img = (kind: string, src: string) =>
    `<figure><img class="${kind}" src="${escapeHtml(src)}" alt="${kind} samples, seed ${p.seed}">` +
    `<figcaption>${
      kind === "raw" ? "raw G" : filtered
    } &middot; seed ${p.seed}</figcaption></figure>`;
  return `<div class="pair">${img("raw", p.raw)}${img("drs", p.drs)}</div>`;
}

function select(id: string, label: string, options: [string, string][], chosen: string): string {
  const items = options.map(([value, text]) =>
    `<option value="${escapeHtml(value)}"${value === chosen ? " selected" : ""}>${
      escapeHtml(text)
    }</option>`
  ).join("");
  return `<label>${label} <select id="${id}" name="${id}">${items}</select></label>`;
}

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:22px;margin:0 0 4px}.controls{margin:12px 0 18px;display:flex;gap:18px;align-items:center;flex-wrap:wrap}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:16px}
.pair{display:flex;gap:8px}figure{margin:0}figcaption{font-size:12px;color:#666}
img{image-rendering:pixelated;background:#444;max-width:100%}output{font-weight:600}`;

const SCRIPT =
  `const $=(id)=>document.getElementById(id);const slider=$("acceptance"),shown=$("acceptance-value");
const model=$("model").value;const NAMES={drs:"DRS",mh:"MH-GAN",truncation:"truncation"};let pending;
function controls(){const s=$("sampler").value;slider.disabled=s!=="drs";$("k").disabled=s!=="mh";$("psi").disabled=s!=="truncation";}
function remint(){controls();clearTimeout(pending);pending=setTimeout(async()=>{
const q=new URLSearchParams({model,acceptance:slider.value,sampler:$("sampler").value,k:$("k").value,psi:$("psi").value});
const cls=$("class");if(cls)q.set("class",cls.value);const res=await fetch("/demo/urls?"+q);if(!res.ok)return;
const data=await res.json();history.replaceState(null,"","?"+q);const raws=document.querySelectorAll("img.raw"),
drs=document.querySelectorAll("img.drs");data.pairs.forEach((p,i)=>{if(raws[i])raws[i].src=p.raw;if(drs[i])drs[i].src=p.drs;});
document.querySelectorAll(".pair figure:last-child figcaption").forEach((c,i)=>{c.textContent=NAMES[data.sampler]+" \\u00b7 seed "+data.pairs[i].seed;});},150);}
slider.addEventListener("input",()=>{shown.textContent=Number(slider.value).toFixed(2);remint();});
for(const id of ["sampler","k","psi","class"]){const el=$(id);if(el)el.addEventListener("change",remint);}controls();`;

/** The full HTML document. */
export function demoHtml(data: DemoPageData): string {
  const options = data.models.map((id) =>
    `<option${id === data.model ? " selected" : ""}>${escapeHtml(id)}</option>`
  ).join("");
  const a = data.acceptance.toFixed(2);
  const filtered = SAMPLER_LABELS[data.sampler];
  const classPicker = data.classes.length === 0 ? "" : select("class", "Class", [
    ["any", "any (drawn per sample)"],
    ...data.classes.map((c, i): [string, string] => [String(i), `${i}: ${c}`]),
  ], data.label === undefined ? "any" : String(data.label));
  const samplerPicker = select("sampler", "Sampler", [
    ["drs", "DRS"],
    ["mh", "MH-GAN"],
    ["truncation", "truncation"],
  ], data.sampler);
  const kPicker = select(
    "k",
    "MH K",
    [2, 4, 8, 16, 32].map((k) => [String(k), String(k)]),
    String(data.k),
  );
  const psiPicker = select(
    "psi",
    "psi",
    [0.5, 0.75, 1, 1.5, 2].map((p) => [String(p), String(p)]),
    String(data.psi),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>drs-edge demo: ${escapeHtml(data.model)}</title><style>${STYLE}</style></head>
<body><h1>Discriminator Rejection Sampling: ${escapeHtml(data.model)}</h1>
<p>Each row: raw generator samples (left) and samples filtered by the chosen sampler (right) for the same seed${
    data.classes.length > 0 ? " and class" : ""
  }. Every image is a signed, immutable URL minted by this server and can be embedded on any origin. Calibrated DRS acceptance: ${
    (data.expectedAcceptance * 100).toFixed(1)
  }%.</p>
<form class="controls" method="get" action="/demo">
<label>Model <select id="model" name="model" onchange="this.form.submit()">${options}</select></label>
${classPicker}${samplerPicker}
<label>DRS acceptance target <input id="acceptance" name="acceptance" type="range" min="0.05" max="0.95" step="0.05" value="${a}"></label>
<output id="acceptance-value">${a}</output>${kPicker}${psiPicker}<noscript><button>Apply</button></noscript></form>
<div class="gallery">${data.pairs.map((p) => pairHtml(p, filtered)).join("")}</div>
<script>${SCRIPT}</script></body></html>`;
}
