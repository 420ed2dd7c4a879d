// The `baton` command tree: every command registered on one commander program, apart from running it (main.ts), so
// that tests can read each command's options and help without starting a process.
import { Command } from 'commander';
import { registerNetworkCommands } from './network.js';
import { registerCalibrateCommand } from './calibrate.js';
import { registerSimulateCommand } from './simulate.js';
import { registerBenchCommands } from './bench.js';
import { registerCompareCommand } from './compare.js';
import { registerFleetSizeCommand } from './fleet-size.js';
import { registerServeCommand } from './serve.js';
import { registerReplayCommand } from './replay.js';
import { registerEmulateCommand } from './emulate.js';
import { registerScenarioCommand } from './scenario.js';

/** A fresh `baton` program with every command; parse errors throw (exitOverride) instead of exiting. */
export function createProgram(): Command {
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
  registerScenarioCommand(program);
  registerNetworkCommands(program);
  registerCalibrateCommand(program);
  registerBenchCommands(program);
  registerServeCommand(program);
  registerEmulateCommand(program);
  return program;
}
