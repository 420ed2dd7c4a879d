// Scenario files: values checked field by field by the settings schema with errors naming the file and the field,
// paths resolved against the file's folder, and the command line overriding only the options it was given.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addSettingOptions, SCENARIO_SETTINGS } from '../../src/cli/scenario-cli.js';
import { resolvedScenario } from '../../src/cli/scenario.js';
import { DEFAULT_COST_PARAMETERS } from '../../src/core/metrics/cost.js';
import { checkScenarioValues, didYouMean, readScenarioFile } from '../../src/io/scenario-file.js';
import { COST_PARAMETER_KEYS, parseFleetSizeSettings, parseSimSettings, SETTING_KEYS, SettingsError, type OptionKey } from '../../src/io/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-scenario-'));
mkdirSync(join(dir, 'sub'));

/** Writes a scenario file under the temporary folder and returns its path. */
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function errorOf(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return (err as Error).message;
  }
  throw new Error('no error');
}

/** A command with the scenario options, parsed from `argv` as a user typed it; returns the validated settings. */
async function simulateWith(argv: string[], keys: readonly OptionKey[] = [...SCENARIO_SETTINGS, 'fleet', 'dispatcher']) {
  const cmd = new Command('simulate').exitOverride();
  const settingsOf = addSettingOptions(cmd, keys, { cost: true });
  cmd.parse(argv, { from: 'user' });
  return parseSimSettings(...(await settingsOf(cmd.opts())));
}

describe('reading a scenario file', () => {
  it('a valid file gives its values, validated and with defaults for the rest', async () => {
    const f = file('ok.json', { network: 'synthetic', requests: 500, fleet: 25, dispatcher: 'greedy', maxWaitS: 300, chargers: 'auto', batteryKwh: 30, cost: { energyUsdPerKwh: 0.3 } });
    const s = await simulateWith(['--scenario', f]);
    expect(s).toMatchObject({ network: ['synthetic'], requests: 500, fleet: 25, dispatcher: 'greedy', maxWaitS: 300, chargers: 'auto', batteryKwh: 30 });
    expect(s.cost).toEqual({ ...DEFAULT_COST_PARAMETERS, energyUsdPerKwh: 0.3 });
    expect(s.seats).toBe(2); // not in the file: the schema default
  });

  it('resolves relative paths against the file folder, leaves absolute paths, "auto" and the synthetic city alone', async () => {
    const f = file('sub/paths.json', { network: ['../net/nodes.csv', '/abs/edges.csv'], trips: 'trips.csv', format: 'baton', avoid: 'x/avoid.csv', serviceArea: '/abs/area.geojson', speedFactors: 'f.json', chargers: 'sites.csv', serviceCentres: 'centres.csv' });
    const { values } = await readScenarioFile(f);
    expect(values.network).toEqual([join(dir, 'net/nodes.csv'), '/abs/edges.csv']);
    expect(values).toMatchObject({
      trips: join(dir, 'sub/trips.csv'),
      avoid: join(dir, 'sub/x/avoid.csv'),
      serviceArea: '/abs/area.geojson',
      speedFactors: join(dir, 'sub/f.json'),
      chargers: join(dir, 'sub/sites.csv'),
      serviceCentres: join(dir, 'sub/centres.csv'),
    });
    expect(checkScenarioValues('rel/s.json', { chargers: 'auto', serviceCentres: 'auto', network: 'synthetic:nodes=400' }).values).toEqual({ chargers: 'auto', serviceCentres: 'auto', network: ['synthetic:nodes=400'] });
    expect(checkScenarioValues('rel/s.json', { trips: 't.csv' }).values.trips).toBe(join('rel', 't.csv'));
  });

  it('a file may hold the settings of every command: each takes its own', async () => {
    const f = file('all.json', { requests: 300, fleet: 12, targetPct: 0.9, withinS: 240, dispatchers: ['greedy', 'pooled'], bound: false });
    const sim = await simulateWith(['--scenario', f]);
    expect(sim.fleet).toBe(12);
    expect(sim.dispatchers).toEqual(['greedy', 'batch', 'batch+rebalance']); // simulate does not take --dispatchers
    const fleetSize = await resolvedScenario(f);
    expect(fleetSize).toMatchObject({ targetPct: 90, withinS: 240, bound: false, dispatchers: ['greedy', 'pooled'] });
  });
});

describe('command-line options override the file', () => {
  const f = file('base.json', { requests: 400, fleet: 30, seed: 5, dispatcher: 'greedy', cost: { energyUsdPerKwh: 0.4, depotUsdPerVehicleDay: 12 } });

  it('only the options given on the command line win; the others come from the file', async () => {
    const s = await simulateWith(['--scenario', f, '--fleet', '45', '--energy-price', '0.1']);
    expect(s).toMatchObject({ fleet: 45, requests: 400, seed: 5, dispatcher: 'greedy' });
    expect(s.cost.energyUsdPerKwh).toBe(0.1); // the flag
    expect(s.cost.depotUsdPerVehicleDay).toBe(12); // the file, beside the flag's field
  });

  it('a switch with a default (--no-bound) does not override the file unless given', async () => {
    const keys: OptionKey[] = [...SCENARIO_SETTINGS, 'dispatcher', 'targetPct', 'withinS', 'bound'];
    const run = async (argv: string[]) => {
      const cmd = new Command('fleet-size').exitOverride();
      const settingsOf = addSettingOptions(cmd, keys);
      cmd.parse(argv, { from: 'user' });
      return parseFleetSizeSettings(...(await settingsOf(cmd.opts())));
    };
    const off = file('nobound.json', { bound: false, requests: 300 });
    expect((await run(['--scenario', off])).bound).toBe(false);
    const on = file('bound.json', { bound: true, requests: 300 });
    expect((await run(['--scenario', on, '--no-bound'])).bound).toBe(false);
    expect((await run(['--requests', '300'])).bound).toBe(true);
  });

  it('a bad value names where it came from: the file and field, or the option', async () => {
    const bad = file('badfleet.json', { fleet: 'ten', requests: 300 });
    expect(await errorOf(() => simulateWith(['--scenario', bad]))).toBe(`${bad}: fleet: expected an integer in 1..10000000, got "ten"`);
    expect(await errorOf(() => simulateWith(['--scenario', f, '--fleet', 'eleven']))).toBe('--fleet "eleven": expected an integer in 1..10000000');
    expect(await errorOf(() => simulateWith(['--scenario', f, '--energy-price', 'free']))).toBe('--energy-price "free": expected US dollars in [0, 100]');
  });
});

describe('errors name the file, the field and the problem', () => {
  it.each([
    ['wrong type', { seats: 'two' }, 'seats: expected an integer in 1..100, got "two"'],
    ['out of range', { batteryKwh: 0 }, 'batteryKwh: expected kWh in (0, 1000], got 0'],
    ['bad choice', { dispatcher: 'magic' }, 'dispatcher: expected one of'],
    ['nested field', { cost: { vehicleLifeYears: -2 } }, 'cost.vehicleLifeYears: expected years in (0, 100], got -2'],
    ['nested type', { cost: 'cheap' }, 'cost: expected an object of cost parameters, got "cheap"'],
    ['list', { network: [] }, 'network: expected one or more network inputs'],
  ])('%s', async (_, content, message) => {
    const f = file('bad.json', content);
    expect(await errorOf(() => readScenarioFile(f))).toContain(`${f}: ${message}`);
  });

  it('every bad field at once', async () => {
    const f = file('many.json', { fleet: 0, seats: 'x' });
    const m = await errorOf(() => readScenarioFile(f));
    expect(m).toContain(`${f}: fleet: expected an integer in 1..10000000, got 0`);
    expect(m).toContain(`${f}: seats: expected an integer in 1..100, got "x"`);
  });

  it('unknown fields are errors, with a guess from the field names and the option spellings', async () => {
    const f = file('unknown.json', { fleat: 10, 'max-wait': 300, battery: 30, colour: 'red', cost: { energyPrice: 0.2, vehiclePriceUSD: 1 } });
    const m = await errorOf(() => readScenarioFile(f));
    expect(m).toContain(`${f}: unknown field fleat (did you mean fleet?)`);
    expect(m).toContain(`${f}: unknown field max-wait (did you mean maxWaitS?)`);
    expect(m).toContain(`${f}: unknown field battery (did you mean batteryKwh?)`);
    expect(m).toContain(`${f}: unknown field colour;`);
    expect(m).toContain(`${f}: unknown field cost.vehiclePriceUSD (did you mean cost.vehiclePriceUsd?)`);
    expect(m).toContain(`${f}: unknown field cost.energyPrice (did you mean cost.energyUsdPerKwh?)`);
    expect(didYouMean('--no-bound', ['bound', 'also100'])).toBe('bound');
    expect(didYouMean('zzz', ['fleet'])).toBeUndefined();
  });

  it('unreadable, unparseable or oddly named files', async () => {
    expect(await errorOf(() => readScenarioFile(join(dir, 'none.json')))).toBe(`${join(dir, 'none.json')}: cannot read the scenario file (no such file)`);
    const broken = file('broken.json', '{ "fleet": 10, }');
    expect(await errorOf(() => readScenarioFile(broken))).toMatch(new RegExp(`^${broken}: not valid JSON: `));
    const list = file('list.json', [1, 2]);
    expect(await errorOf(() => readScenarioFile(list))).toBe(`${list}: expected an object of settings at the top level, got a list`);
    const txt = file('s.txt', '{}');
    expect(await errorOf(() => readScenarioFile(txt))).toBe(`${txt}: a scenario file must end in .json, .yaml or .yml`);
  });

  it('YAML: the same fields as JSON, and a syntax error names the file, line and column', async () => {
    const y = file('s.yaml', '# a comment\nfleet: 12\nrequests: 300\ncost:\n  energyUsdPerKwh: 0.3\n');
    expect((await readScenarioFile(y)).values).toMatchObject({ fleet: 12, requests: 300 });
    const bad = file('bad.yml', 'fleet: 12\n  requests: [300\n');
    expect(await errorOf(() => readScenarioFile(bad))).toMatch(new RegExp(`^${bad}: not valid YAML \\(line \\d+, column \\d+\\): `));
    const wrong = file('wrong.yaml', 'fleet: ten\n');
    expect(await errorOf(() => readScenarioFile(wrong))).toContain(`${wrong}: fleet: `);
  });

  it('docs/scenario-file.md lists every field and every cost parameter', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/scenario-file.md'), 'utf8');
    for (const key of [...SETTING_KEYS, ...COST_PARAMETER_KEYS]) expect(doc, key).toContain(`\`${key}\``);
  });

  it('the example scenario files are valid', async () => {
    const example = await resolvedScenario(resolve(import.meta.dirname, '../../examples/synthetic-charging.json'));
    expect(example).toMatchObject({ chargers: 'auto', batteryKwh: 20, fleet: 80 });
    const sf = await readScenarioFile(resolve(import.meta.dirname, '../../examples/sf-2008-05-21.json'));
    expect(sf.values.trips).toBe(resolve(import.meta.dirname, '../../../shared/data/san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz'));
  });
});
