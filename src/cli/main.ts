// The `baton` command line: thin commands that parse arguments, wire the parts together and print.
import { Command, CommanderError } from 'commander';
import { registerNetworkCommands } from './network.js';
import { registerCalibrateCommand } from './calibrate.js';
import { registerSimulateCommand } from './simulate.js';
import { registerBenchCommands } from './bench.js';
import { registerCompareCommand } from './compare.js';
import { registerFleetSizeCommand } from './fleet-size.js';
import { registerServeCommand } from './serve.js';
import { registerEmulateCommand } from './emulate.js';
import { registerReplayCommand } from './replay.js';
import { UsageError } from './args.js';
import { InputFileError } from '../io/file-input.js';
import { SettingsError } from '../io/settings.js';

const program = new Command();
program
  .name('baton')
  .description('Baton conducts a fleet of driverless robotaxis: road networks, travel times, simulation and dispatch.')
  .version('0.1.0')
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
registerEmulateCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const known = err instanceof UsageError || err instanceof InputFileError || err instanceof SettingsError;
  process.stderr.write(`baton: ${(err as Error).message ?? String(err)}\n`);
  if (!known && process.env.BATON_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
  else if (!known) process.stderr.write('(set BATON_DEBUG=1 for the stack trace)\n');
  process.exit(1);
}
