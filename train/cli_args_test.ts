import assert from "node:assert/strict";
import { CliError, parseFlags, requireFlag } from "./cli_args.ts";

const SPECS = {
  steps: { type: "int", min: 1 },
  lr: { type: "number", min: 0 },
  dataset: { type: "enum", values: ["grid25", "ring8"] },
  out: { type: "string" },
  write: { type: "boolean" },
} as const;

Deno.test("parseFlags() parses typed values", () => {
  const f = parseFlags(["--steps", "12", "--lr=0.001", "--dataset", "ring8", "--write"], SPECS);
  assert.deepEqual(f, { steps: 12, lr: 0.001, dataset: "ring8", write: true });
});

Deno.test("parseFlags() names the bad flag and what it expects", () => {
  assert.throws(() => parseFlags(["--steps", "abc"], SPECS), {
    name: "CliError",
    message: /'--steps' as it must be an integer in 1\.\.inf: got 'abc'/,
  });
  assert.throws(() => parseFlags(["--steps", "1.5"], SPECS), {
    name: "CliError",
    message: /'--steps'/,
  });
  assert.throws(() => parseFlags(["--steps", "0"], SPECS), {
    name: "CliError",
    message: /in 1\.\.inf/,
  });
  assert.throws(() => parseFlags(["--lr", "Infinity"], SPECS), {
    name: "CliError",
    message: /'--lr'/,
  });
  assert.throws(() => parseFlags(["--dataset", "mnist"], SPECS), {
    name: "CliError",
    message: /one of grid25, ring8: got 'mnist'/,
  });
});

Deno.test("parseFlags() rejects unknown flags and lists the known ones", () => {
  assert.throws(() => parseFlags(["--step", "3"], SPECS), (error) => {
    assert.ok(error instanceof CliError);
    assert.match(error.message, /--step/);
    assert.equal(error.message.includes("known flags: --steps, --lr"), true);
    assert.equal(error.message.includes("\n"), false);
    return true;
  });
});

Deno.test("requireFlag() explains a missing flag", () => {
  assert.throws(() => requireFlag(undefined, "out", "a folder"), {
    name: "CliError",
    message: /'--out' is required: a folder/,
  });
  assert.equal(requireFlag("x", "out", "a folder"), "x");
});
