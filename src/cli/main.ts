// The `baton` command line: thin commands that parse arguments, wire the parts together and print.
import { Command, CommanderError } from 'commander';
import { registerNetworkCommands } from './network.js';
import { registerCalibrateCommand } from './calibrate.js';
import { registerSimulateCommand } from './simulate.js';
import { registerBenchCommands } from './bench.js';
import { registerCompareCommand } from './compare.js';
import { registerFleetSizeCommand } from './fleet-size.js';
import { registerServeCommand } from './serve.js';
import { registerReplayCommand } from './replay.js';
import { UsageError } from './args.js';
import { InputFileError } from '../io/file-input.js';
import { OutputFileError } from '../io/output-file.js';
import { SettingsError } from '../io/settings.js';

// `--debug` (or BATON_DEBUG=1) prints the stack trace of any error; taken out of the arguments here so that it may
// stand anywhere on the line, before or after the command.
const debug = process.argv.includes('--debug') || /^(1|true|yes)$/i.test(process.env.BATON_DEBUG ?? '');
const argv = process.argv.filter((a, i) => i < 2 || a !== '--debug');

const program = new Command();
program
  .name('baton')
  .description('Baton conducts a fleet of driverless robotaxis: road networks, travel times, simulation and dispatch.')
  .version('0.1.0')
  .option('--debug', 'print the stack trace of any error (also BATON_DEBUG=1); may stand after the command')
  .showHelpAfterError()
  .exitOverride();

registerSimulateCommand(program);
registerCompareCommand(program);
registerFleetSizeCommand(program);
registerReplayCommand(program);
registerNetworkCommands(program);
registerCalibrateCommand(program);
registerBenchCommands(program);
registerServeCommand(program);

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
