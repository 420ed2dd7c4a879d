// The `baton` command line: thin commands that parse arguments, wire the parts together and print.
import { CommanderError } from 'commander';
import { createProgram } from './program.js';
import { failureText } from './failure.js';

// `--debug` (or BATON_DEBUG=1) prints the stack trace of any error; taken out of the arguments here so that it may
// stand anywhere on the line, before or after the command.
const debug = process.argv.includes('--debug') || /^(1|true|yes)$/i.test(process.env.BATON_DEBUG ?? '');
const argv = process.argv.filter((a, i) => i < 2 || a !== '--debug');

const program = createProgram();

/** Prints an error for people (failureText) and exits 1. */
function fail(err: unknown): never {
  process.stderr.write(failureText(err, debug));
  process.exit(1);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

try {
  await program.parseAsync(argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  fail(err);
}
