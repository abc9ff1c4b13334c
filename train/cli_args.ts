/**
 * Command-line flags: parsed with node:util's parseArgs (unknown flags are errors), then
 * checked one by one so a bad value gets one line naming the flag and what was expected.
 * `--help` (or `-h`) anywhere asks for the command's usage instead: every flag with its help
 * and default, and an example ({@linkcode formatHelp}).
 *
 * @module
 */

import { parseArgs } from "node:util";

/** One flag's expected value. */
export type FlagSpec =
  & (
    | { type: "int"; min?: number; max?: number }
    | { type: "number"; min?: number; max?: number }
    | { type: "string" }
    | { type: "enum"; values: readonly string[] }
    | { type: "boolean" }
  )
  & {
    /** What the flag does, for `--help`. @default {""} */
    help?: string;
    /** The default as `--help` shows it (a required flag says "required"). @default {undefined} */
    default?: string;
  };

/** What `--help` prints for a command besides its flags. */
export interface CommandHelp {
  /** One line: what the command does. */
  summary: string;
  /** The usage line(s), e.g. `deno task train --dataset NAME --out DIR [flags]`. */
  usage: string;
  /** One or more example command lines. */
  examples: string[];
  /** Paragraphs printed after the flags. @default {[]} */
  notes?: string[];
}

/** `--help` was asked for: `message` is the whole usage text, for stdout, exit code 0. */
export class HelpRequested extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HelpRequested";
  }
}

/** Whether the command line asks for help. */
export function wantsHelp(args: readonly string[]): boolean {
  return args.some((a) => a === "--help" || a === "-h");
}

function flagLine(name: string, spec: FlagSpec): string {
  const value = spec.type === "boolean"
    ? ""
    : spec.type === "enum"
    ? ` ${spec.values.join("|")}`
    : spec.type === "int"
    ? " N"
    : spec.type === "number"
    ? " X"
    : " VALUE";
  const range = (spec.type === "int" || spec.type === "number") &&
      (spec.min !== undefined || spec.max !== undefined)
    ? ` [${spec.min ?? "-inf"}..${spec.max ?? "inf"}]`
    : "";
  const dflt = spec.default !== undefined ? ` (default: ${spec.default})` : "";
  return `  --${name}${value}${range}  ${spec.help ?? ""}${dflt}`.trimEnd();
}

/** The usage text of a command: summary, usage, every flag with its help and default, examples. */
export function formatHelp(
  help: CommandHelp,
  specs: Record<string, FlagSpec>,
  extraFlagLines: string[] = [],
): string {
  return [
    help.summary,
    "",
    `usage: ${help.usage}`,
    "",
    "flags:",
    ...Object.entries(specs).map(([name, spec]) => flagLine(name, spec)),
    ...extraFlagLines,
    "  --help  print this help and exit",
    ...(help.notes?.length ? ["", ...help.notes] : []),
    "",
    help.examples.length > 1 ? "examples:" : "example:",
    ...help.examples.map((e) => `  ${e}`),
  ].join("\n");
}

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

/**
 * Parses `args` against `specs`; throws {@linkcode CliError} on any unknown flag or bad value,
 * and {@linkcode HelpRequested} with the usage text when `help` is given and `--help` is asked.
 */
export function parseFlags<K extends string>(
  args: string[],
  specs: Record<K, FlagSpec>,
  help?: CommandHelp,
): Partial<Record<K, unknown>> {
  if (help && wantsHelp(args)) throw new HelpRequested(formatHelp(help, specs));
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
