/**
 * Server metrics in the Prometheus text exposition format (version 0.0.4), kept in memory.
 *
 * @module
 */

/** Upper bounds (seconds) of the latency histogram buckets. */
export const LATENCY_BUCKETS = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

/** Per-model sampler counters. */
export interface SamplerCounts {
  proposals: number;
  evaluated: number;
  /** Of `evaluated`: run ahead (next chunk queued while deciding one) and not needed. */
  discarded: number;
  accepted: number;
  logMRaises: number;
  nonFiniteLogits: number;
}

/** The model version a count is labelled with (`model`, `version`). */
export interface ModelRef {
  id: string;
  version: number;
}

/** A gauge family with labels, read at scrape time (e.g. `drs_model_version_info`). */
export interface LabelledGauge {
  name: string;
  help: string;
  samples: { labels: Record<string, string | number>; value: number }[];
}

/** What the app records; `render()` gives the `/metrics` body. */
export interface Metrics {
  request(route: string, status: number, seconds: number): void;
  sampled(model: ModelRef, counts: SamplerCounts): void;
  budgetExhausted(model: ModelRef, reason: string): void;
  overloaded(): void;
  /** The model's backend threw while sampling (answered 503 model_error). */
  backendError(model: ModelRef): void;
  render(gauges?: Record<string, number>, families?: readonly LabelledGauge[]): string;
}

/** A label value in Prometheus' text format (backslash, quote and newline escaped). */
function labelValue(value: string | number): string {
  const text = String(value);
  return /[\\"\n]/.test(text)
    ? text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")
    : text;
}

function labels(pairs: Record<string, string | number>): string {
  const body = Object.entries(pairs).map(([k, v]) => `${k}="${labelValue(v)}"`).join(",");
  return body ? `{${body}}` : "";
}

function inc(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** A fresh in-memory metrics store. */
export function createMetrics(): Metrics {
  const requests = new Map<string, number>();
  const histograms = new Map<string, { buckets: number[]; sum: number; count: number }>();
  const sampler = new Map<string, SamplerCounts>();
  const exhausted = new Map<string, number>();
  const backendErrors = new Map<string, number>();
  let overloaded = 0;
  return {
    request(route, status, seconds) {
      inc(requests, labels({ route, status }));
      let h = histograms.get(route);
      if (!h) {
        histograms.set(
          route,
          h = { buckets: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 },
        );
      }
      for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
        if (seconds <= LATENCY_BUCKETS[i]) h.buckets[i]++;
      }
      h.sum += seconds;
      h.count++;
    },
    sampled(model, counts) {
      const key = labels({ model: model.id, version: model.version });
      const c = sampler.get(key) ?? {
        proposals: 0,
        evaluated: 0,
        discarded: 0,
        accepted: 0,
        logMRaises: 0,
        nonFiniteLogits: 0,
      };
      for (const k of Object.keys(c) as (keyof SamplerCounts)[]) c[k] += counts[k];
      sampler.set(key, c);
    },
    budgetExhausted(model, reason) {
      inc(exhausted, labels({ model: model.id, version: model.version, reason }));
    },
    overloaded() {
      overloaded++;
    },
    backendError(model) {
      inc(backendErrors, labels({ model: model.id, version: model.version }));
    },
    render(gauges = {}, families = []) {
      const lines: string[] = [];
      const family = (name: string, type: string, help: string) =>
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      family("drs_http_requests_total", "counter", "HTTP requests by route and status.");
      for (const [l, v] of requests) lines.push(`drs_http_requests_total${l} ${v}`);
      family("drs_http_request_duration_seconds", "histogram", "HTTP request latency by route.");
      for (const [route, h] of histograms) {
        LATENCY_BUCKETS.forEach((le, i) =>
          lines.push(
            `drs_http_request_duration_seconds_bucket${labels({ route, le })} ${h.buckets[i]}`,
          )
        );
        lines.push(
          `drs_http_request_duration_seconds_bucket${labels({ route, le: "+Inf" })} ${h.count}`,
        );
        lines.push(`drs_http_request_duration_seconds_sum${labels({ route })} ${h.sum}`);
        lines.push(`drs_http_request_duration_seconds_count${labels({ route })} ${h.count}`);
      }
      const counters: [keyof SamplerCounts, string, string][] = [
        ["proposals", "drs_proposals_total", "Proposals decided by DRS."],
        ["evaluated", "drs_proposals_evaluated_total", "Proposals run through G and D."],
        [
          "discarded",
          "drs_proposals_discarded_total",
          "Proposals run through G and D ahead of need and not used (request already complete).",
        ],
        ["accepted", "drs_accepted_total", "Samples accepted and served."],
        ["logMRaises", "drs_logm_raises_total", "Online raises of logM."],
        [
          "nonFiniteLogits",
          "drs_nonfinite_logits_total",
          "Proposals rejected for a NaN or +Inf logit.",
        ],
      ];
      for (const [key, name, help] of counters) {
        family(name, "counter", help);
        for (const [l, c] of sampler) lines.push(`${name}${l} ${c[key]}`);
      }
      family("drs_budget_exhaustions_total", "counter", "Requests that ran out of budget or time.");
      for (const [l, v] of exhausted) lines.push(`drs_budget_exhaustions_total${l} ${v}`);
      family("drs_overloaded_total", "counter", "Requests refused because the queue was full.");
      lines.push(`drs_overloaded_total ${overloaded}`);
      family("drs_backend_errors_total", "counter", "Requests whose model backend threw.");
      for (const [l, v] of backendErrors) lines.push(`drs_backend_errors_total${l} ${v}`);
      for (const [name, value] of Object.entries(gauges)) {
        family(name, "gauge", name.replace(/_/g, " ") + ".");
        lines.push(`${name} ${value}`);
      }
      for (const { name, help, samples } of families) {
        family(name, "gauge", help);
        for (const s of samples) lines.push(`${name}${labels(s.labels)} ${s.value}`);
      }
      return lines.join("\n") + "\n";
    },
  };
}
