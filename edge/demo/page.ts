/**
 * The demo page as a TS string module (so a Workers bundle carries it without a file read):
 * raw G vs DRS galleries of signed sample URLs minted by the server, and a slider for the
 * DRS acceptance target that re-mints the URLs through `GET /demo/urls`. Plain HTML and a
 * small inline script; no build step.
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
  /** Acceptance target of the DRS column, in (0, 1). */
  acceptance: number;
  /** The model's calibrated acceptance (gamma from the manifest), for the caption. */
  expectedAcceptance: number;
  pairs: DemoPair[];
}

/** `&`, `<`, `>`, `"` and `'` as HTML entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function pairHtml(p: DemoPair): string {
  const img = (kind: string, src: string) =>
    `<figure><img class="${kind}" src="${escapeHtml(src)}" alt="${kind} samples, seed ${p.seed}">` +
    `<figcaption>${kind === "raw" ? "raw G" : "DRS"} &middot; seed ${p.seed}</figcaption></figure>`;
  return `<div class="pair">${img("raw", p.raw)}${img("drs", p.drs)}</div>`;
}

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:22px;margin:0 0 4px}.controls{margin:12px 0 18px;display:flex;gap:18px;align-items:center;flex-wrap:wrap}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:16px}
.pair{display:flex;gap:8px}figure{margin:0}figcaption{font-size:12px;color:#666}
img{image-rendering:pixelated;background:#444;max-width:100%}output{font-weight:600}`;

const SCRIPT = `const slider=document.getElementById("acceptance");
const shown=document.getElementById("acceptance-value");const model=document.getElementById("model").value;
let pending;slider.addEventListener("input",()=>{shown.textContent=Number(slider.value).toFixed(2);
clearTimeout(pending);pending=setTimeout(async()=>{const q=new URLSearchParams({model,acceptance:slider.value});
const res=await fetch("/demo/urls?"+q);if(!res.ok)return;const data=await res.json();
history.replaceState(null,"","?"+q);const raws=document.querySelectorAll("img.raw"),drs=document.querySelectorAll("img.drs");
data.pairs.forEach((p,i)=>{if(raws[i])raws[i].src=p.raw;if(drs[i])drs[i].src=p.drs;});},150);});`;

/** The full HTML document. */
export function demoHtml(data: DemoPageData): string {
  const options = data.models.map((id) =>
    `<option${id === data.model ? " selected" : ""}>${escapeHtml(id)}</option>`
  ).join("");
  const a = data.acceptance.toFixed(2);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>drs-edge demo: ${escapeHtml(data.model)}</title><style>${STYLE}</style></head>
<body><h1>Discriminator Rejection Sampling: ${escapeHtml(data.model)}</h1>
<p>Each row: raw generator samples (left) and DRS samples (right) for the same seed. Every image is a signed, immutable URL minted by this server and can be embedded on any origin. Calibrated acceptance: ${
    (data.expectedAcceptance * 100).toFixed(1)
  }%.</p>
<form class="controls" method="get" action="/demo">
<label>Model <select id="model" name="model" onchange="this.form.submit()">${options}</select></label>
<label>DRS acceptance target <input id="acceptance" name="acceptance" type="range" min="0.05" max="0.95" step="0.05" value="${a}"></label>
<output id="acceptance-value">${a}</output><noscript><button>Apply</button></noscript></form>
<div class="gallery">${data.pairs.map(pairHtml).join("")}</div>
<script>${SCRIPT}</script></body></html>`;
}
