// One SF day as the screening benches open it: the calibrated network (built as in docs/BENCHMARKS.md; NETWORK env
// or /tmp/acc/sf-calibrated.baton), the Cabspotting trips of ../shared/data by path, seed 1, 10-min cancellation.
// Exits with a clear message when either input is absent.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openScenarioRunner, type ScenarioRunner } from '../src/io/scenario-runner.js';
import { parseSimSettings } from '../src/io/settings.js';

const TRIPS = resolve(import.meta.dirname, '../../shared/data/san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz');

export async function openSfDay(date: string, network = '/tmp/acc/sf-calibrated.baton'): Promise<ScenarioRunner> {
  for (const [what, file] of [['trips', TRIPS], ['network', network]]) {
    if (!existsSync(file)) {
      console.error(`${what} not found: ${file} (the SF trips live in ../shared/data/san-francisco; build the calibrated network with \`baton network build\` and \`baton calibrate --write-network\`, docs/BENCHMARKS.md)`);
      process.exit(2);
    }
  }
  return openScenarioRunner(parseSimSettings({ network: [network], trips: TRIPS, format: 'sf-cabspotting', date, seed: 1, maxWaitS: 600 }));
}
