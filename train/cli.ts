/**
 * The one entry point of train/: `deno run -A train/cli.ts <command> [flags]` (each command is
 * also a `deno task`). Every command answers `--help` with its flags, their defaults and an
 * example; a bad flag gets one line naming it and exit code 2.
 *
 * @module
 */

import { CliError, HelpRequested } from "./cli_args.ts";

/** A subcommand: what it does and how it runs. */
interface Command {
  summary: string;
  run(args: string[]): Promise<number | void>;
}

const COMMANDS: Record<string, Command> = {
  train: {
    summary: "train a model from a preset or dataset and publish it as a new version",
    run: async (args) => (await import("./train_command.ts")).trainCommand(args),
  },
  "train-ratio": {
    summary: "train a density-ratio estimator for a 2-D model (a candidate version)",
    run: async (args) => (await import("./ratio/cli.ts")).trainRatioCommand(args),
  },
  import: {
    summary: "import an ONNX G/D pair trained elsewhere: check, calibrate, publish a version",
    run: async (args) => (await import("./import/cli.ts")).importCommand(args),
  },
  calibrate: {
    summary: "the same as import; with --model DIR, calibrate a model folder again",
    run: async (args) => (await import("./import/cli.ts")).importCommand(args),
  },
  evaluate: {
    summary: "re-measure a model folder (raw vs DRS, or every sampler's quality-cost curve)",
    run: async (args) => (await import("./evaluate/cli.ts")).evaluateCommand(args),
  },
  diagnose: {
    summary: "is D a good density-ratio estimator? calibration, AUC, ratio error (2-D models)",
    run: async (args) => (await import("./diagnose/cli.ts")).diagnoseCommand(args),
  },
  classifier: {
    summary: "train the evaluation classifier of an image dataset",
    run: async (args) => (await import("./classifier/main.ts")).classifierCommand(args),
  },
};

/** The top-level usage: every command with its summary. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "drs-edge offline tools: train, import, calibrate, evaluate and diagnose models",
    "",
    "usage: deno run -A train/cli.ts <command> [flags]   (or: deno task <command> [flags])",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Each command answers --help with its flags and an example, e.g.",
    "  deno task train --help",
  ].join("\n");
}

/** Runs one command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? console.error : console.log)(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(
      `Cannot run '${name}' as it is not a command: expected one of ${
        Object.keys(COMMANDS).join(", ")
      } (see --help)`,
    );
    return 2;
  }
  try {
    return (await command.run(rest)) ?? 0;
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(error.message);
      return 0;
    }
    if (error instanceof CliError) {
      console.error(error.message);
      return 2;
    }
    // A refused input or a failed stage: one line, no stack (DRS_DEBUG=1 shows it).
    console.error(Deno.env.get("DRS_DEBUG") ? (error as Error).stack : (error as Error).message);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
