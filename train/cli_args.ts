/**
 * Command-line flags: parsed with node:util's parseArgs (unknown flags are errors), then
 * checked one by one so a bad value gets one line naming the flag and what was expected.
 *
 * @module
 */

import { parseArgs } from "node:util";

/** One flag's expected value. */
export type FlagSpec =
  | { type: "int"; min?: number; max?: number; help?: string }
  | { type: "number"; min?: number; max?: number; help?: string }
  | { type: "string"; help?: string }
  | { type: "enum"; values: readonly string[]; help?: string }
  | { type: "boolean"; help?: string };

/** A bad command line; `message` is one line fit for stderr. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

function checkValue(name: string, spec: FlagSpec, raw: string | boolean): unknown {
  if (spec.type === "boolean") return raw;
  const text = String(raw);
  const bad = (expected: string) =>
    new CliError(`Cannot use '--${name}' as it must be ${expected}: got '${text}'`);
  switch (spec.type) {
    case "string":
      if (text.length === 0) throw bad("a non-empty string");
      return text;
    case "enum":
      if (!spec.values.includes(text)) throw bad(`one of ${spec.values.join(", ")}`);
      return text;
    case "int":
    case "number": {
      const value = Number(text);
      const range = `${spec.min ?? "-inf"}..${spec.max ?? "inf"}`;
      const kind = spec.type === "int" ? "an integer" : "a number";
      if (text.trim() === "" || !Number.isFinite(value)) throw bad(`${kind} in ${range}`);
      if (spec.type === "int" && !Number.isInteger(value)) throw bad(`${kind} in ${range}`);
      if (
        (spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)
      ) {
        throw bad(`${kind} in ${range}`);
      }
      return value;
    }
  }
}

/** Parses `args` against `specs`; throws {@linkcode CliError} on any unknown flag or bad value. */
export function parseFlags<K extends string>(
  args: string[],
  specs: Record<K, FlagSpec>,
): Partial<Record<K, unknown>> {
  const options = Object.fromEntries(
    Object.entries<FlagSpec>(specs).map(([name, s]) => [
      name,
      { type: s.type === "boolean" ? "boolean" as const : "string" as const },
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    const known = Object.keys(specs).map((k) => `--${k}`).join(", ");
    throw new CliError(`${(error as Error).message.split("\n")[0]} (known flags: ${known})`);
  }
  const out: Partial<Record<K, unknown>> = {};
  for (const [name, raw] of Object.entries(parsed.values)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    out[name as K] = checkValue(name, specs[name as K], value as string | boolean);
  }
  return out;
}

/** Throws a {@linkcode CliError} when a required flag is missing. */
export function requireFlag<T>(value: T | undefined, name: string, expected: string): T {
  if (value === undefined) throw new CliError(`Cannot run as '--${name}' is required: ${expected}`);
  return value;
}
