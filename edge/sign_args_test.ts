import assert from "node:assert/strict";
import { parseSignArgs } from "./sign_args.ts";

Deno.test("parseSignArgs() reads the documented flags", () => {
  const args = parseSignArgs([
    "--model",
    "grid25",
    "--seed",
    "7",
    "--n",
    "16",
    "--ttl=3600",
    "--base-url",
    "https://x.dev",
  ]);
  assert.deepEqual(args.params, {
    model: "grid25",
    seed: 7,
    n: 16,
    format: undefined,
    drs: undefined,
    gamma: undefined,
    acceptance: undefined,
    scale: undefined,
    class: undefined,
    sampler: undefined,
    k: undefined,
    psi: undefined,
    version: undefined,
  });
  assert.equal(args.ttl, 3600);
  assert.equal(args.baseUrl, "https://x.dev");
  assert.equal(parseSignArgs(["--model", "a", "--seed", "0", "--drs", "false"]).params.drs, false);
  assert.equal(parseSignArgs(["--model", "a", "--seed", "0", "--version", "3"]).params.version, 3);
});

Deno.test("parseSignArgs() names the bad flag in one line", () => {
  const cases: [string[], RegExp][] = [
    [["--seed", "1"], /'--model' is required/],
    [["--model", "grid25"], /exactly one of '--seed' \(a uint32\) and '--seeds'/],
    [["--model", "grid25", "--seed", "-1"], /'--seed' must be a uint32/],
    [["--model", "grid25", "--seed", "1", "--n", "300"], /'--n' must be an integer in 1\.\.256/],
    [["--model", "grid25", "--seed", "1", "--ttl", "0"], /'--ttl' must be seconds/],
    [["--model", "grid25", "--seed", "1", "--colour", "red"], /'--colour' is not a known flag/],
    [["--model", "grid25", "--seed"], /'--seed' needs a value/],
    [["--model", "Grid!", "--seed", "1"], /'--model' must be a model id/],
    [
      ["--model", "a", "--seed", "1", "--base-url", "ftp://x"],
      /'--base-url' must be an http\(s\) URL/,
    ],
    [["model=a"], /'model=a' is not a flag/],
    [["--model", "a", "--seed", "1", "--version", "0"], /'--version' must be a model version/],
    [["--model", "a", "--seed", "1", "--version", "v2"], /'--version' must be a model version/],
  ];
  for (const [argv, pattern] of cases) {
    assert.throws(() => parseSignArgs(argv), (e: Error) => {
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
});

Deno.test("parseSignArgs() reads several seeds and srcset scales", () => {
  const parsed = parseSignArgs(["--model", "mnist", "--seeds", "1,2,3", "--srcset", "1,2"]);
  assert.deepEqual(parsed.seeds, [1, 2, 3]);
  assert.deepEqual(parsed.srcset, [1, 2]);
  assert.throws(
    () => parseSignArgs(["--model", "m", "--seeds", "1", "--srcset", "1,2", "--format", "json"]),
    /'--srcset' is for PNG images/,
  );
});
