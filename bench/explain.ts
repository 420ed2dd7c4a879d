// What explaining costs (decision 0022): the same synthetic day simulated with `explain` off and on, alternated so both
// see the same machine load, per dispatcher; medians of the simulation wall time and the on/off ratio. With it off the
// strategies do exactly what they did before (one boolean read per decision), so "off" is the baseline.
//   npx tsx bench/explain.ts [--runs 3]
import { openScenarioRunner } from '../src/io/scenario-runner.js';
import { parseSimSettings } from '../src/io/settings.js';
import type { DispatcherName } from '../src/io/dispatchers.js';
import { median, writeResult } from './machine.js';

const i = process.argv.indexOf('--runs');
const runs = i >= 0 ? Number(process.argv[i + 1]) : 3;
const FLEET = 150;
const settings = parseSimSettings({ requests: 6000, fleet: FLEET });
const runner = await openScenarioRunner(settings);
const cases: DispatcherName[] = ['greedy', 'batch', 'pooled'];
const rows: Record<string, unknown>[] = [];
for (const name of cases) {
  const wall: Record<'off' | 'on', number[]> = { off: [], on: [] };
  let events = 0;
  for (let k = 0; k < runs; k++) {
    for (const mode of ['off', 'on'] as const) {
      let explained = 0;
      const { wallS } = await runner.run(FLEET, name, {
        keepLog: false,
        explain: mode === 'on',
        eventSink: (ev) => {
          if (ev.kind === 'PlanExplained') explained++;
        },
      });
      wall[mode].push(wallS);
      if (mode === 'on') events = explained;
    }
  }
  const row = { dispatcher: name, fleet: FLEET, requests: runner.scenario.requests.length, runs, offS: median(wall.off), onS: median(wall.on), ratio: median(wall.on) / median(wall.off), planExplainedEvents: events };
  console.log(`${name.padEnd(8)} off ${row.offS.toFixed(2)} s, on ${row.onS.toFixed(2)} s (×${row.ratio.toFixed(2)}), ${events} PlanExplained events`);
  rows.push(row);
}
console.log(`wrote ${writeResult('explain', { rows })}`);
