// The default preset on a user's own one-day trip file: with no earlier day to forecast from, every preset still
// runs (rebalancing on a causal forecast), says so once, and reports `forecastSource` in simulate, compare and
// fleet-size alike; SF's first day and Austin's only day do the same where the shared data is present.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DISPATCHER_PRESETS } from '../../src/io/dispatchers.js';
import { openNetwork } from '../../src/io/network-source.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { runCli } from '../cli/run-cli.js';
import { ONE_DAY_DATE, writeOneDayTripFile } from '../one-day-file.js';
import { haveSharedData, sharedData } from '../shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-one-day-'));
const NETWORK = 'synthetic:nodes=400';
const FILE = join(dir, 'one-day.csv');
const { graph } = await openNetwork([NETWORK]);
const ROWS = writeOneDayTripFile(FILE, graph, 300, 8);

describe('every preset on a one-day trip file', () => {
  for (const date of [undefined, ONE_DAY_DATE]) {
    it(`runs each preset ${date ? 'with --date' : 'without --date'}; rebalancing ones on a causal forecast`, async () => {
      const runner = await openScenarioRunner(parseSimSettings({ network: [NETWORK], trips: FILE, format: 'baton', ...(date ? { date } : {}), maxWaitS: 900 }));
      expect(runner.scenario.requests.length).toBeGreaterThan(ROWS * 0.9);
      const part = await runner.forecast();
      expect(part.source).toBe('causal');
      if (part.source === 'causal') expect(part.reason).toMatch(date ? /holds no day in the week before 2024-05-01/ : /without --date/);
      for (const p of DISPATCHER_PRESETS) {
        const { result } = await runner.run(15, p.name);
        const k = result.summary.kpis;
        expect(k.requests).toBe(runner.scenario.requests.length);
        expect(k.served).toBeGreaterThan(k.requests * 0.8);
        expect(await runner.forecastSource(p.name)).toBe((p.needs as readonly string[]).includes('forecast') ? 'causal' : 'none');
        if (p.name.endsWith('+rebalance')) expect(result.events.some((e) => e.kind === 'VehicleRebalanced')).toBe(true);
      }
    });
  }

  it('simulate, compare and fleet-size say so once on stderr and write forecastSource', () => {
    const common = ['--network', NETWORK, '--trips', FILE, '--format', 'baton'];
    const sim = runCli(['simulate', ...common, '--fleet', '15', '--json', join(dir, 's.json')]);
    expect(sim.status).toBe(0);
    expect(sim.stderr.match(/causal forecast/g)).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')).forecastSource).toBe('causal');

    const cmp = runCli(['compare', ...common, '--fleet', '15', '--dispatchers', 'greedy,batch+rebalance,pooled+rebalance', '--json', join(dir, 'c.json')]);
    expect(cmp.status).toBe(0);
    expect(cmp.stderr.match(/causal forecast/g)).toHaveLength(1);
    const runs = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')) as { forecastSource: string }[];
    expect(runs.map((r) => r.forecastSource)).toEqual(['none', 'causal', 'causal']);

    const fs = runCli(['fleet-size', ...common, '--dispatcher', 'batch+rebalance', '--workers', '1', '--no-bound', '--tolerance', '5', '--json', join(dir, 'f.json')]);
    expect(fs.stderr).not.toMatch(/baton:/);
    expect(fs.status).toBe(0);
    expect(fs.stderr.match(/causal forecast/g)).toHaveLength(1);
    const out = JSON.parse(readFileSync(join(dir, 'f.json'), 'utf8'));
    expect(out.forecastSource).toBe('causal');
    expect(out.fleet).toBeGreaterThan(0);
  });
});

const AUSTIN_TRIPS = 'austin/austin_rideaustin_trips_2017-03-15.csv.gz';
const AUSTIN_ROADS = 'austin/roads/austin_downtown_capitol.osm.gz';
describe.skipIf(!haveSharedData(AUSTIN_TRIPS, AUSTIN_ROADS))('the default preset on Austin (one day of RideAustin)', () => {
  it('runs with a causal forecast and reports it', () => {
    const r = runCli(['simulate', '--network', sharedData(AUSTIN_ROADS), '--trips', sharedData(AUSTIN_TRIPS), '--format', 'rideaustin', '--fleet', '5', '--json', join(dir, 'austin.json')]);
    expect(r.stderr).not.toMatch(/baton:/);
    expect(r.status).toBe(0);
    const k = JSON.parse(readFileSync(join(dir, 'austin.json'), 'utf8'));
    expect(k.dispatcher).toBe('pooled+rebalance');
    expect(k.forecastSource).toBe('causal');
    expect(k.requests).toBeGreaterThan(0);
  });
});
