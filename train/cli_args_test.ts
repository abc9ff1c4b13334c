import { assertEquals, assertThrows } from "../testing/assert.ts";
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
  assertEquals(f, { steps: 12, lr: 0.001, dataset: "ring8", write: true });
});

Deno.test("parseFlags() names the bad flag and what it expects", () => {
  assertThrows(
    () => parseFlags(["--steps", "abc"], SPECS),
    CliError,
    "'--steps' as it must be an integer in 1..inf: got 'abc'",
  );
  assertThrows(() => parseFlags(["--steps", "1.5"], SPECS), CliError, "'--steps'");
  assertThrows(() => parseFlags(["--steps", "0"], SPECS), CliError, "in 1..inf");
  assertThrows(() => parseFlags(["--lr", "Infinity"], SPECS), CliError, "'--lr'");
  assertThrows(
    () => parseFlags(["--dataset", "mnist"], SPECS),
    CliError,
    "one of grid25, ring8: got 'mnist'",
  );
});

Deno.test("parseFlags() rejects unknown flags and lists the known ones", () => {
  const error = assertThrows(() => parseFlags(["--step", "3"], SPECS), CliError, "--step");
  assertEquals(error.message.includes("known flags: --steps, --lr"), true);
  assertEquals(error.message.includes("\n"), false);
});

Deno.test("requireFlag() explains a missing flag", () => {
  assertThrows(
    () => requireFlag(undefined, "out", "a folder"),
    CliError,
    "'--out' is required: a folder",
  );
  assertEquals(requireFlag("x", "out", "a folder"), "x");
});
