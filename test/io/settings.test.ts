// The settings schema: defaults, command-line text and typed values alike, and errors that name the option and quote
// the bad value; the help text's defaults come from the same schema.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_WAIT_S } from '../../src/core/sim/engine.js';
import { DEFAULT_COST_PARAMETERS } from '../../src/core/metrics/cost.js';
import { DEFAULT_DISPATCHER, DISPATCHER_NAMES } from '../../src/io/dispatchers.js';
import { parseFleetSizeSettings, parseSimSettings, SettingsError, settingDefaultText, SETTING_OPTIONS, type OptionKey } from '../../src/io/settings.js';

/** The message parseSimSettings throws for this input. */
function errorOf(input: Record<string, unknown>, parse: (i: Record<string, unknown>) => unknown = parseSimSettings): string {
  try {
    parse(input);
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return (err as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify(input)}`);
}

describe('parseSimSettings', () => {
  it('fills in the defaults the commands document', () => {
    const s = parseSimSettings({});
    expect(s).toMatchObject({ network: ['synthetic'], share: 1, seed: 1, snapCutoffM: 250, seats: 2, maxWaitS: DEFAULT_MAX_WAIT_S, minDetourS: 180, detourShare: 0.5, fleet: 200, dispatcher: DEFAULT_DISPATCHER, solverThreads: 1 });
    expect(s.dispatchers).toEqual(['greedy', 'batch', 'batch+rebalance']);
    expect(s.trips).toBeUndefined();
    expect(s.requests).toBeUndefined();
  });

  it('reads command-line text and typed values to the same settings', () => {
    const text = parseSimSettings({ trips: 't.csv', format: 'baton', fleet: '500', seats: '4', maxWaitS: '300', share: '0.5', seed: '-3', snapCutoffM: '120.5', bbox: '-122.45,37.76,-122.38,37.81', dispatchers: 'greedy, pooled' });
    const typed = parseSimSettings({ trips: 't.csv', format: 'baton', fleet: 500, seats: 4, maxWaitS: 300, share: 0.5, seed: -3, snapCutoffM: 120.5, bbox: [-122.45, 37.76, -122.38, 37.81], dispatchers: ['greedy', 'pooled'] });
    expect(text).toEqual(typed);
    expect(text.bbox).toEqual([-122.45, 37.76, -122.38, 37.81]);
  });

  it.each([
    [{ fleet: 'abc' }, '--fleet "abc": expected an integer in 1..10000000'],
    [{ fleet: '0' }, '--fleet "0": expected an integer in 1..10000000'],
    [{ fleet: 2.5 }, '--fleet 2.5: expected an integer in 1..10000000'],
    [{ fleet: '' }, '--fleet "": expected an integer in 1..10000000'],
    [{ seats: '0' }, '--seats "0": expected an integer in 1..100'],
    [{ maxWaitS: '-5' }, '--max-wait "-5": expected an integer in 1..86400'],
    [{ minDetourS: '-1' }, '--min-detour "-1": expected an integer in 0..3600'],
    [{ minDetourS: '90.5' }, '--min-detour "90.5": expected an integer in 0..3600'],
    [{ detourShare: '6' }, '--detour-share "6": expected a share of the direct ride in 0..5'],
    [{ detourShare: 'half' }, '--detour-share "half": expected a share of the direct ride in 0..5'],
    [{ seed: '1.5' }, '--seed "1.5": expected an integer'],
    [{ share: '1.2' }, '--share "1.2": expected a share in 0..1'],
    [{ snapCutoffM: '0' }, '--snap-cutoff "0": expected a distance in metres, > 0'],
    [{ requests: 'many' }, '--requests "many": expected an integer in 1..100000000'],
    [{ dispatcher: 'magic' }, `--dispatcher "magic": expected one of ${DISPATCHER_NAMES.join(', ')}`],
    [{ dispatchers: 'greedy,magic' }, `--dispatchers "greedy,magic": unknown magic (known: ${DISPATCHER_NAMES.join(', ')})`],
    [{ dispatchers: ',' }, '--dispatchers ",": give at least one preset'],
    [{ bbox: '1,2' }, '--bbox "1,2": expected minLon,minLat,maxLon,maxLat in degrees with min < max'],
    [{ bbox: '5,0,1,1' }, '--bbox "5,0,1,1": expected minLon,minLat,maxLon,maxLat'],
    [{ trips: 't.csv', format: 'csv' }, '--format "csv": expected one of sf-cabspotting, rideaustin, nyc-tlc, baton'],
    [{ trips: 't.csv', format: 'baton', date: '2008-02-30' }, '--date "2008-02-30": expected a date YYYY-MM-DD'],
    [{ trips: 't.csv', format: 'baton', window: '10:00-09:00' }, '--window "10:00-09:00": expected HH:MM-HH:MM with the end after the start'],
    [{ network: [] }, '--network "": expected one or more network inputs'],
    [{ solverThreads: '0' }, '--solver-threads "0": expected an integer in 1..64'],
  ])('%j → %s', (input, message) => {
    expect(errorOf(input)).toContain(message);
  });

  it('names every bad option at once, and checks options that only make sense together', () => {
    expect(errorOf({ fleet: 'x', seats: 'y' })).toBe('--seats "y": expected an integer in 1..100; --fleet "x": expected an integer in 1..10000000');
    expect(errorOf({ date: '2008-05-21' })).toBe('--format, --date, --window and --bbox apply to --trips; give a trip file');
    expect(errorOf({ trips: 't.csv' })).toBe('--format is required with --trips (sf-cabspotting, rideaustin, nyc-tlc, baton)');
  });

  it('rejects a misspelt setting instead of ignoring it', () => {
    expect(errorOf({ fleetSize: 10 })).toBe('unknown setting fleetSize');
  });
});

describe('parseFleetSizeSettings', () => {
  it('takes the target as a share or a percentage and checks the search limits against each other', () => {
    expect(parseFleetSizeSettings({}).targetPct).toBe(95);
    expect(parseFleetSizeSettings({ targetPct: '0.9' }).targetPct).toBeCloseTo(90, 9);
    expect(parseFleetSizeSettings({ targetPct: '99' }).targetPct).toBe(99);
    expect(errorOf({ targetPct: '1.5x' }, parseFleetSizeSettings)).toBe('--target "1.5x": expected a share in (0, 1], e.g. 0.95');
    expect(errorOf({ min: '5', max: '3' }, parseFleetSizeSettings)).toBe('--min 5 is larger than --max 3');
    expect(errorOf({ withinS: '900' }, parseFleetSizeSettings)).toBe('--within 900 s exceeds --max-wait 600 s: requests are cancelled before they could count');
    expect(errorOf({ workers: '-1' }, parseFleetSizeSettings)).toBe('--workers "-1": expected an integer in 0..1024');
  });
});

describe('setting options', () => {
  it('every setting has one long option, and help shows the schema defaults', () => {
    const flags = Object.values(SETTING_OPTIONS).map((o) => o.flags.split(' ')[0]);
    expect(new Set(flags).size).toBe(flags.length);
    const shown = (k: OptionKey) => settingDefaultText(k);
    expect([shown('fleet'), shown('seats'), shown('maxWaitS'), shown('snapCutoffM'), shown('seed'), shown('share')]).toEqual(['200', '2', String(DEFAULT_MAX_WAIT_S), '250', '1', '1']);
    expect(shown('dispatcher')).toBe(DEFAULT_DISPATCHER);
    expect(shown('dispatchers')).toBe('greedy,batch,batch+rebalance');
    expect(shown('trips')).toMatch(/synthetic demand/);
    expect(shown('date')).toBeUndefined();
  });
});

describe('cost settings', () => {
  it('every price has its documented default, and can be set one by one', () => {
    expect(parseSimSettings({}).cost).toEqual(DEFAULT_COST_PARAMETERS);
    expect(parseSimSettings({ cost: { energyUsdPerKwh: '0.31' } }).cost).toEqual({ ...DEFAULT_COST_PARAMETERS, energyUsdPerKwh: 0.31 });
  });

  it('a bad price is named by its option where it has one, else by its path', () => {
    expect(errorOf({ cost: { revenueUsdPerPaidMile: '-1' } })).toBe('--revenue-per-mile "-1": expected US dollars in [0, 1000]');
    expect(errorOf({ cost: { depotUsdPerVehicleDay: 'x' } })).toBe('cost.depotUsdPerVehicleDay "x": expected US dollars in [0, 100000]');
    expect(errorOf({ cost: { chargingEfficiency: 0 } })).toBe('cost.chargingEfficiency 0: expected a share in (0, 1]');
  });
});
