import assert from "node:assert/strict";
/**
 * `deno task diagnose` on the shipped grid25 model: the JSON it writes, its tables, and one
 * line for a bad flag.
 */

import type { PointDiagnostics } from "../train/diagnose/run_points.ts";
import { trainer } from "../testing/trainer_cli.ts";

Deno.test("diagnose CLI writes rank, class and reliability diagnostics of the shipped D", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const calibrator = `${dir}/platt.json`;
    await Deno.writeTextFile(calibrator, JSON.stringify({ kind: "platt", a: 0.5, b: 0 }));
    const json = `${dir}/diag.json`;
    const run = await trainer([
      "diagnose",
      "--model",
      "models/grid25",
      "--samples",
      "4000",
      "--calibrator",
      calibrator,
      "--json",
      json,
    ]);
    assert.deepEqual(run.code, 0, run.stderr);
    const result: PointDiagnostics = JSON.parse(await Deno.readTextFile(json));
    assert.deepEqual(Object.keys(result.scorers), ["raw", "calibrated"]);
    const raw = result.scorers.raw, cal = result.scorers.calibrated;
    assert.deepEqual(raw.rank.map((r) => r.top), [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1]);
    // All samples: raw G's high-quality share (94.3% on 10,000 in the manifest).
    assert.ok(Math.abs(raw.rank[6].goodShare - 0.943) < 0.02, `${raw.rank[6].goodShare}`);
    assert.deepEqual(raw.classes.rows.length, 25);
    assert.deepEqual(raw.reliability.bins.reduce((s, b) => s + b.count, 0), 8000);
    assert.ok(raw.reliability.auc > 0.5 && raw.reliability.auc < 1);
    // a = 0.5 halves every logit: same ranking, other masses and calibration.
    assert.deepEqual(cal.rank.map((r) => r.goodShare), raw.rank.map((r) => r.goodShare));
    assert.ok(Math.abs(cal.rank[1].minLogit - raw.rank[1].minLogit / 2) < 1e-6);
    assert.ok(cal.reliability.ece !== raw.reliability.ece);
    assert.ok(run.stdout.includes("## grid25 raw (calibrator: identity; 4000 G samples)"));
    assert.ok(run.stdout.includes("## grid25 calibrated (calibrator: platt; 4000 G samples)"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("diagnose CLI answers a bad flag or calibrator with one line, exit code 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = `${dir}/bad.json`;
    await Deno.writeTextFile(bad, JSON.stringify({ kind: "platt", a: -1, b: 0 }));
    const cases: [string[], string][] = [
      [["diagnose"], "'--model' is required"],
      [["diagnose", "--model", "models/grid25", "--samples", "5"], "'--samples' as it must be"],
      [
        ["diagnose", "--model", "models/grid25", "--calibrator", bad],
        `'${bad}' is not a calibrator: Cannot use calibrator as 'a' is invalid`,
      ],
      [["diagnose", "--model", "models/mnist"], "only 2D models of a known mixture"],
    ];
    for (const [args, expected] of cases) {
      const run = await trainer(args);
      assert.deepEqual(run.code, 2, args.join(" "));
      const lines = run.stderr.trim().split("\n").filter((l) => !l.startsWith("npm warn"));
      assert.deepEqual(lines.length, 1, run.stderr);
      assert.ok(lines[0].includes(expected), `${lines[0]} should include ${expected}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
