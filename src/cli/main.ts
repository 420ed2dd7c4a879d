// The `baton` command line: thin commands that parse arguments, wire the parts together and print.
import { CommanderError } from 'commander';
import { createProgram } from './program.js';
import { UsageError } from './args.js';
import { InputFileError } from '../io/file-input.js';
import { OutputFileError } from '../io/output-file.js';
import { SettingsError } from '../io/settings.js';

// `--debug` (or BATON_DEBUG=1) prints the stack trace of any error; taken out of the arguments here so that it may
// stand anywhere on the line, before or after the command.
const debug = process.argv.includes('--debug') || /^(1|true|yes)$/i.test(process.env.BATON_DEBUG ?? '');
const argv = process.argv.filter((a, i) => i < 2 || a !== '--debug');

const program = createProgram();

/** An error the user can act on (a bad option, file or setting): its message alone, no stack trace. */
function isUserError(err: unknown): boolean {
  return err instanceof UsageError || err instanceof InputFileError || err instanceof OutputFileError || err instanceof SettingsError;
}

/** Prints an error for people and exits 1: the message; for an unexpected error, how to get the stack trace. */
function fail(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`baton: ${message}\n`);
  if (debug) process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  else if (!isUserError(err)) process.stderr.write('(an unexpected error: run again with --debug or BATON_DEBUG=1 for the stack trace, and report it)\n');
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
