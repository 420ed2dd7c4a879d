// `baton scenario check FILE`: validate a scenario file and print the settings it resolves to (defaults filled in,
// paths resolved against the file's folder), as the scenario commands would run them.
import type { Command } from 'commander';
import { readScenarioFile } from '../io/scenario-file.js';
import { parseFleetSizeSettings } from '../io/settings.js';

/** The settings a scenario file resolves to: every field, defaults included; throws SettingsError like the commands. */
export async function resolvedScenario(file: string): Promise<Record<string, unknown>> {
  const { values } = await readScenarioFile(file);
  return parseFleetSizeSettings(values, () => file);
}

export function registerScenarioCommand(program: Command): void {
  const scenario = program.command('scenario').description('scenario files (--scenario FILE of simulate, compare, fleet-size)');
  scenario
    .command('check')
    .description('validate a scenario file and print the settings it resolves to (defaults filled in, paths resolved)')
    .argument('<file>', 'scenario file, .json (or .yaml/.yml with the yaml package)')
    .action(async (file: string) => {
      process.stdout.write(`${JSON.stringify(await resolvedScenario(file), null, 2)}\n`);
    });
}
