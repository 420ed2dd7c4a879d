// Simulation settings: one zod schema, with defaults and ranges, for everything that turns a scenario into runs
// (network, trips and their filters, seed, fleet, dispatcher, …), read by simulate, compare, fleet-size and the
// benchmarks. Every field is spelled like its command-line option, and an error names that option and the bad value:
// `--fleet "abc": expected an integer in 1..10000000`.
import { z } from 'zod';
import { DEFAULT_SNAP_CUTOFF_M } from '../core/network/snap.js';
import { DEFAULT_SYNTHETIC_DEMAND } from '../core/demand/synthetic-demand.js';
import { DEFAULT_MAX_WAIT_S, DEFAULT_VEHICLE_SPEC } from '../core/sim/engine.js';
import { DEFAULT_CHARGING_POLICY } from '../core/dispatch/charging.js';
import { DEFAULT_SITE_PLACEMENT } from '../core/dispatch/charging-sites.js';
import { DEFAULT_COST_PARAMETERS, type CostParameters } from '../core/metrics/cost.js';
import { DEFAULT_ASSISTANCE } from '../core/sim/assistance.js';
import { DEFAULT_SERVICING } from '../core/sim/servicing.js';
import { DEFAULT_RIDE_LIMITS } from '../core/dispatch/pooled.js';
import { PARAMETER_RANGES } from '../core/dispatch/parameters.js';
import { DEFAULT_AVOID_CUTOFF_M } from './avoid-list.js';
import { DEFAULT_DISPATCHER, DISPATCHER_NAMES, type DispatcherName } from './dispatcher-names.js';
import { parseLocalDate, parseTimeWindow, TRIP_FORMATS, type TripFormatName } from './trips/index.js';

import { SettingsError } from './settings-error.js';
export { SettingsError };

export const MAX_FLEET = 10_000_000;
const MAX_REQUESTS = 100_000_000;
const DAY_S = 86_400;

/** Command-line text to a number; anything else passes through for the number schema to judge. */
const numberFromText = (v: unknown): unknown => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v);

/** An integer in [min, max], given as a number or its text. */
function integer(min: number, max: number, expected = `expected an integer in ${min}..${max}`) {
  return z.preprocess(numberFromText, z.number({ error: expected }).int({ error: expected }).min(min, { error: expected }).max(max, { error: expected }));
}

/** A number in [min, max] (or (min, max] with `above`), given as a number or its text. */
function decimal(min: number, max: number, expected: string, above = false) {
  const n = z.number({ error: expected }).max(max, { error: expected });
  return z.preprocess(numberFromText, above ? n.gt(min, { error: expected }) : n.min(min, { error: expected }));
}

const TRIP_FORMAT_NAMES = Object.keys(TRIP_FORMATS) as [TripFormatName, ...TripFormatName[]];

/** Text that a parser accepts, kept as text (the loaders parse it again where they need it). */
const parsedBy = (parse: (s: string) => unknown, expected: string) =>
  z.string({ error: expected }).refine((s) => {
    try {
      parse(s);
      return true;
    } catch {
      return false;
    }
  }, { error: expected });

const BBOX_EXPECTED = 'expected minLon,minLat,maxLon,maxLat in degrees with min < max, e.g. -122.52,37.70,-122.35,37.84';
const bbox = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((x) => (x.trim() === '' ? NaN : Number(x))) : v),
  z
    .tuple([z.number(), z.number(), z.number(), z.number()], { error: BBOX_EXPECTED })
    .refine(([w, s, e, n]) => w < e && s < n && s >= -90 && n <= 90 && w >= -180 && e <= 180, { error: BBOX_EXPECTED }),
);

/** A list of preset names, as an array or comma-separated text. */
const presetList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
  z
    .array(z.string(), { error: 'expected comma-separated preset names' })
    .min(1, { error: 'give at least one preset' })
    .superRefine((names, ctx) => {
      const unknown = names.filter((n) => !(DISPATCHER_NAMES as readonly string[]).includes(n));
      if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown ${unknown.join(', ')} (known: ${DISPATCHER_NAMES.join(', ')})` });
    })
    .transform((names) => names as DispatcherName[]),
);

/** The settings of a scenario (inputs and filters) and of the runs on it. */
const simShape = {
  network: z.array(z.string().min(1), { error: 'expected one or more network inputs' }).min(1, { error: 'expected one or more network inputs' }).default(() => ['synthetic']),
  trips: z.string({ error: 'expected a file' }).min(1, { error: 'expected a file' }).optional(),
  format: z.enum(TRIP_FORMAT_NAMES, { error: `expected one of ${TRIP_FORMAT_NAMES.join(', ')}` }).optional(),
  date: parsedBy(parseLocalDate, 'expected a date YYYY-MM-DD').optional(),
  window: parsedBy(parseTimeWindow, 'expected HH:MM-HH:MM with the end after the start').optional(),
  bbox: bbox.optional(),
  requests: integer(1, MAX_REQUESTS).optional(),
  share: decimal(0, 1, 'expected a share in 0..1').default(1),
  seed: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'expected an integer').default(1),
  speedFactors: z.string({ error: 'expected a file' }).min(1, { error: 'expected a file' }).optional(),
  snapCutoffM: decimal(0, 100_000, 'expected a distance in metres, > 0', true).default(DEFAULT_SNAP_CUTOFF_M),
  serviceArea: z.string({ error: 'expected a file' }).min(1, { error: 'expected a file' }).optional(),
  avoid: z.string({ error: 'expected a file' }).min(1, { error: 'expected a file' }).optional(),
  avoidCutoffM: decimal(0, 100_000, 'expected a distance in metres, > 0', true).default(DEFAULT_AVOID_CUTOFF_M),
  seats: integer(1, 100).default(DEFAULT_VEHICLE_SPEC.seats),
  maxWaitS: integer(1, DAY_S).default(DEFAULT_MAX_WAIT_S),
  /** Pooled presets: the ride limit they promise a shared rider (the live parameters of the same names start here). */
  minDetourS: integer(PARAMETER_RANGES.minDetourS.min, PARAMETER_RANGES.minDetourS.max).default(DEFAULT_RIDE_LIMITS.minDetourS),
  detourShare: decimal(PARAMETER_RANGES.detourShare.min, PARAMETER_RANGES.detourShare.max, `expected a share of the direct ride in ${PARAMETER_RANGES.detourShare.min}..${PARAMETER_RANGES.detourShare.max}`).default(DEFAULT_RIDE_LIMITS.detourShare),
  fleet: integer(1, MAX_FLEET).default(200),
  dispatcher: z.enum(DISPATCHER_NAMES, { error: `expected one of ${DISPATCHER_NAMES.join(', ')}` }).default(DEFAULT_DISPATCHER),
  dispatchers: presetList.default(() => ['greedy', 'batch', 'batch+rebalance'] as DispatcherName[]),
  /** Threads solving pooled's independent 0/1 programs, this one included (1: no worker thread; decision 0030). */
  solverThreads: integer(1, 64).default(1),
  ...energyShape(),
  ...operationsShape(),
  /** Prices of the cost model (docs/fleet-operations.md "Cost per mile"); a scenario file's `cost` object. */
  cost: costSchema().prefault({}),
};

/** The cost model's prices, each with its documented default; unknown prices are an error. */
function costSchema() {
  const usd = (max: number) => decimal(0, max, `expected US dollars in [0, ${max}]`);
  const d = DEFAULT_COST_PARAMETERS;
  const shape = {
    vehiclePriceUsd: usd(10_000_000).default(d.vehiclePriceUsd),
    vehicleLifeYears: decimal(0, 100, 'expected years in (0, 100]', true).default(d.vehicleLifeYears),
    energyUsdPerKwh: usd(100).default(d.energyUsdPerKwh),
    chargingEfficiency: decimal(0, 1, 'expected a share in (0, 1]', true).default(d.chargingEfficiency),
    chargerUsdPerPlugDay: usd(100_000).default(d.chargerUsdPerPlugDay),
    plugsPerVehicleWithoutSites: decimal(0, 10, 'expected plugs per car in [0, 10]').default(d.plugsPerVehicleWithoutSites),
    cleaningUsdPerEvent: usd(100_000).default(d.cleaningUsdPerEvent),
    maintenanceUsdPerEvent: usd(1_000_000).default(d.maintenanceUsdPerEvent),
    insuranceUsdPerMile: usd(1000).default(d.insuranceUsdPerMile),
    remoteOperatorUsdPerHour: usd(100_000).default(d.remoteOperatorUsdPerHour),
    depotUsdPerVehicleDay: usd(100_000).default(d.depotUsdPerVehicleDay),
    revenueUsdPerPaidMile: usd(1000).default(d.revenueUsdPerPaidMile),
  } satisfies Record<keyof CostParameters, z.ZodType>;
  return z.strictObject(shape, { error: 'expected an object of cost parameters' });
}

/** The cost parameters (every one has a default), in the order the docs list them. */
export const COST_PARAMETER_KEYS = Object.keys(DEFAULT_COST_PARAMETERS) as (keyof CostParameters)[];

/** The few cost parameters that also have a command-line option (the others come from a scenario file's `cost`). */
export const COST_OPTIONS: Partial<Record<keyof CostParameters, { flags: string; help: string }>> = {
  vehiclePriceUsd: { flags: '--vehicle-price <usd>', help: 'cost model: price of one car with its sensors' },
  energyUsdPerKwh: { flags: '--energy-price <usd/kWh>', help: 'cost model: grid price of electricity' },
  revenueUsdPerPaidMile: { flags: '--revenue-per-mile <usd>', help: 'cost model: fare revenue per paid mile' },
};

/** Cleaning, maintenance and remote assistance (docs/fleet-operations.md): off unless --service-centres / --assist. */
function operationsShape() {
  return {
    serviceCentres: z.string({ error: 'expected a file or "auto"' }).min(1, { error: 'expected a file or "auto"' }).optional(),
    cleanEveryTrips: integer(1, 100_000).default(DEFAULT_SERVICING.cleanEveryTrips),
    messProbability: decimal(0, 1, 'expected a probability in 0..1').default(DEFAULT_SERVICING.messProbability),
    maintainEveryH: decimal(0, 100_000, 'expected operating hours, > 0', true).default(DEFAULT_SERVICING.maintainEveryH),
    cleaningS: integer(1, DAY_S).default(DEFAULT_SERVICING.cleaningS),
    maintenanceS: integer(1, 7 * DAY_S).default(DEFAULT_SERVICING.maintenanceS),
    baysPerCar: decimal(0, 10, 'expected bays per car in (0, 10]', true).default(DEFAULT_SERVICING.baysPerCar),
    assist: z.boolean().default(false),
    assistRate: decimal(0, 1_000_000, 'expected requests per 1,000 km, > 0', true).default(DEFAULT_ASSISTANCE.per1000Km),
    assistOperators: integer(1, 1_000_000).default(DEFAULT_ASSISTANCE.operators),
    assistTimeS: integer(1, DAY_S).default(DEFAULT_ASSISTANCE.serviceS),
    assistAreas: z.string({ error: 'expected a file' }).min(1, { error: 'expected a file' }).optional(),
  };
}

/** Energy and charging (docs/fleet-operations.md): off unless --chargers is given. */
function energyShape() {
  const kwh = (max: number, above: boolean) => decimal(0, max, `expected kWh in ${above ? '(0' : '[0'}, ${max}]`, above);
  const share = (expected: string) => decimal(0, 1, expected, true);
  return {
    chargers: z.string({ error: 'expected a file or "auto"' }).min(1, { error: 'expected a file or "auto"' }).optional(),
    batteryKwh: kwh(1000, true).default(DEFAULT_VEHICLE_SPEC.batteryKwh),
    energyKwhPerKm: decimal(0, 10, 'expected kWh per km in (0, 10]', true).default(DEFAULT_VEHICLE_SPEC.energyKwhPerKm),
    reserveKwh: kwh(1000, false).default(DEFAULT_VEHICLE_SPEC.reserveKwh),
    chargerPowerKw: decimal(0, 10_000, 'expected kW in (0, 10000]', true).default(DEFAULT_SITE_PLACEMENT.powerKw),
    plugsPerCar: decimal(0, 10, 'expected plugs per car in (0, 10]', true).default(DEFAULT_SITE_PLACEMENT.plugsPerCar),
    carsPerSite: integer(1, MAX_FLEET).default(DEFAULT_SITE_PLACEMENT.carsPerSite),
    chargeBelow: share('expected a share of the battery in (0, 1]').default(DEFAULT_CHARGING_POLICY.chargeBelowShare),
    chargeTo: share('expected a share of the battery in (0, 1]').default(DEFAULT_CHARGING_POLICY.chargeToShare),
  };
}

type EnergyInputs = { batteryKwh: number; reserveKwh: number; chargeBelow: number; chargeTo: number };

/** Checks between the operations fields: an areas file does nothing without --assist, so it is refused. */
function checkOperations(s: { assist: boolean; assistAreas?: string }, ctx: z.RefinementCtx): void {
  if (s.assistAreas !== undefined && !s.assist) ctx.addIssue({ code: 'custom', message: `--assist-areas ${quote(s.assistAreas)} applies to remote assistance: add --assist` });
}

/** Checks between the energy fields. */
function checkEnergy(s: EnergyInputs, ctx: z.RefinementCtx): void {
  if (s.reserveKwh >= s.batteryKwh) ctx.addIssue({ code: 'custom', message: `--reserve ${s.reserveKwh} kWh must be less than --battery ${s.batteryKwh} kWh` });
  if (s.chargeTo <= s.chargeBelow) ctx.addIssue({ code: 'custom', message: `--charge-to ${s.chargeTo} must be above --charge-below ${s.chargeBelow}` });
}

/** What fleet sizing searches for, besides the simulation settings. */
const fleetSearchShape = {
  /** Given as a share (0.95) or a percentage (95); held as a percentage. */
  targetPct: z
    .preprocess(numberFromText, z.number({ error: 'expected a share in (0, 1], e.g. 0.95' }).gt(0, { error: 'expected a share in (0, 1], e.g. 0.95' }).max(100, { error: 'expected a share in (0, 1], e.g. 0.95' }))
    .transform((x) => (x <= 1 ? x * 100 : x))
    .default(95),
  withinS: integer(1, DAY_S).default(300),
  min: integer(1, MAX_FLEET).optional(),
  max: integer(1, MAX_FLEET).optional(),
  tolerance: integer(1, MAX_FLEET).default(10),
  /** Worker threads; undefined: one per core (decided by the command, which knows the machine). */
  workers: integer(0, 1024).optional(),
  also100: z.boolean().default(false),
  bound: z.boolean().default(true),
  clairvoyantPlan: z.boolean().default(false),
  /** How hard the clairvoyant plan tries (PLAN_EFFORTS in io/fleet-size.ts). */
  planEffort: z.enum(['quick', 'thorough'], { error: 'expected quick or thorough' }).default('quick'),
  /** With any fleet operation on: also search the fleet with every operation off, to say what they cost in cars. */
  baseline: z.boolean().default(true),
  searchOperators: z.boolean().default(false),
};

type TripInputs = { trips?: string; format?: string; date?: string; window?: string; bbox?: unknown };

/** Checks between fields: filters need a trip file, a trip file needs its format. */
function checkTripInputs(s: TripInputs, ctx: z.RefinementCtx): void {
  if (!s.trips && (s.format || s.date || s.window || s.bbox)) {
    ctx.addIssue({ code: 'custom', message: '--format, --date, --window and --bbox apply to --trips; give a trip file' });
  }
  if (s.trips && !s.format) ctx.addIssue({ code: 'custom', message: `--format is required with --trips (${TRIP_FORMAT_NAMES.join(', ')})` });
}

export const simSettingsSchema = z.strictObject(simShape).superRefine((s, ctx) => {
  checkTripInputs(s, ctx);
  checkEnergy(s, ctx);
  checkOperations(s, ctx);
});

export const fleetSizeSettingsSchema = z.strictObject({ ...simShape, ...fleetSearchShape }).superRefine((s, ctx) => {
  checkTripInputs(s, ctx);
  checkEnergy(s, ctx);
  checkOperations(s, ctx);
  if (s.searchOperators && !s.assist) ctx.addIssue({ code: 'custom', message: '--search-operators sizes the remote-operator pool: add --assist' });
  if (s.planEffort !== 'quick' && !s.clairvoyantPlan) ctx.addIssue({ code: 'custom', message: '--plan-effort says how hard the clairvoyant plan tries: add --clairvoyant-plan' });
  if (s.min !== undefined && s.max !== undefined && s.min > s.max) ctx.addIssue({ code: 'custom', message: `--min ${s.min} is larger than --max ${s.max}` });
  if (s.withinS > s.maxWaitS) {
    ctx.addIssue({ code: 'custom', message: `--within ${s.withinS} s exceeds --max-wait ${s.maxWaitS} s: requests are cancelled before they could count` });
  }
});

export type SimSettings = z.output<typeof simSettingsSchema>;
export type SimSettingsInput = z.input<typeof simSettingsSchema>;
export type FleetSizeSettings = z.output<typeof fleetSizeSettingsSchema>;
export type FleetSizeSettingsInput = z.input<typeof fleetSizeSettingsSchema>;
export type SettingKey = keyof FleetSizeSettings;
/** The settings with a command-line option of their own (the cost prices are an object: see COST_OPTIONS). */
export type OptionKey = Exclude<SettingKey, 'cost'>;

/** The settings a scenario is loaded from. */
export type ScenarioSettings = Pick<
  SimSettings,
  'network' | 'trips' | 'format' | 'date' | 'window' | 'bbox' | 'requests' | 'share' | 'seed' | 'speedFactors' | 'snapCutoffM' | 'serviceArea' | 'avoid' | 'avoidCutoffM'
>;
/** The settings every run on a scenario shares. */
export type RunSettings = Pick<SimSettings, 'seed' | 'seats' | 'maxWaitS'> & Partial<Pick<SimSettings, 'minDetourS' | 'detourShare'>> & Partial<EnergySettings> & Partial<OperationsSettings> & Partial<Pick<SimSettings, 'solverThreads'>>;
/** The energy and charging settings of a run (all but `chargers` have defaults; energy is on with `chargers`). */
export type EnergySettings = Pick<SimSettings, 'chargers' | 'batteryKwh' | 'energyKwhPerKm' | 'reserveKwh' | 'chargerPowerKw' | 'plugsPerCar' | 'carsPerSite' | 'chargeBelow' | 'chargeTo'>;
/** Cleaning, maintenance and remote assistance of a run (all but `serviceCentres` have defaults; on with
 *  --service-centres and --assist). */
export type OperationsSettings = Pick<
  SimSettings,
  'serviceCentres' | 'cleanEveryTrips' | 'messProbability' | 'maintainEveryH' | 'cleaningS' | 'maintenanceS' | 'baysPerCar' | 'assist' | 'assistRate' | 'assistOperators' | 'assistTimeS' | 'assistAreas'
>;
/** The setting keys of cleaning, maintenance and remote assistance, in help order. */
export const OPERATIONS_SETTINGS = [
  'serviceCentres',
  'cleanEveryTrips',
  'messProbability',
  'maintainEveryH',
  'cleaningS',
  'maintenanceS',
  'baysPerCar',
  'assist',
  'assistRate',
  'assistOperators',
  'assistTimeS',
  'assistAreas',
] as const satisfies readonly (keyof OperationsSettings)[];
/** The setting keys of energy and charging, in help order. */
export const ENERGY_SETTINGS = ['chargers', 'batteryKwh', 'energyKwhPerKm', 'reserveKwh', 'chargerPowerKw', 'plugsPerCar', 'carsPerSite', 'chargeBelow', 'chargeTo'] as const satisfies readonly (keyof EnergySettings)[];

/** Each setting's command-line option (flags as commander spells them) and help; defaults come from the schema. */
export const SETTING_OPTIONS: Record<OptionKey, { flags: string; help: string; shownDefault?: string }> = {
  network: { flags: '--network <input...>', help: 'road network: a .baton file, OSM file, node+edge CSV pair/folder, or synthetic[:nodes=N,seed=S,…]', shownDefault: 'synthetic, the built-in city' },
  trips: { flags: '--trips <file>', help: 'trip file', shownDefault: 'synthetic demand for the network' },
  format: { flags: '--format <name>', help: `trip file format: ${TRIP_FORMAT_NAMES.join(' | ')}` },
  date: { flags: '--date <YYYY-MM-DD>', help: 'keep requests of this local day' },
  window: { flags: '--window <HH:MM-HH:MM>', help: 'keep requests in this time window of the day' },
  bbox: { flags: '--bbox <minLon,minLat,maxLon,maxLat>', help: 'keep trips whose pickup and drop-off lie in this box' },
  requests: { flags: '--requests <n>', help: 'synthetic demand: requests in the day', shownDefault: String(DEFAULT_SYNTHETIC_DEMAND.trips) },
  share: { flags: '--share <0..1>', help: 'share of riders who accept a shared ride' },
  seed: { flags: '--seed <n>', help: 'random seed (initial positions, synthetic demand, who shares)' },
  speedFactors: { flags: '--speed-factors <file>', help: 'hourly speed factors JSON from `baton calibrate`', shownDefault: "the network file's own, else free flow" },
  snapCutoffM: { flags: '--snap-cutoff <m>', help: 'farthest a trip end may be from a road, metres' },
  serviceArea: {
    flags: '--service-area <file>',
    help: 'operating area, GeoJSON Polygon/MultiPolygon (holes respected): requests with an end outside are rejected, cars never leave it',
  },
  avoid: { flags: '--avoid <file>', help: 'intersections routes never pass through: CSV (node_id, or lat,lon) or GeoJSON points' },
  avoidCutoffM: { flags: '--avoid-cutoff <m>', help: 'farthest an --avoid point may lie from its intersection, metres' },
  seats: { flags: '--seats <n>', help: 'seats per car' },
  maxWaitS: { flags: '--max-wait <s>', help: 'cancel a request not picked up within this many seconds' },
  minDetourS: {
    flags: '--min-detour <s>',
    help: 'pooled presets: a shared rider may ride up to max(this, --detour-share × the direct ride) longer than riding alone',
  },
  detourShare: { flags: '--detour-share <share>', help: 'pooled presets: the ride limit as a share of the direct ride (see --min-detour)' },
  fleet: { flags: '--fleet <n>', help: 'number of cars' },
  dispatcher: { flags: '--dispatcher <name>', help: `dispatch strategy: ${DISPATCHER_NAMES.join(' | ')}` },
  dispatchers: { flags: '--dispatchers <names>', help: `comma-separated presets: ${DISPATCHER_NAMES.join(', ')}` },
  solverThreads: {
    flags: '--solver-threads <n>',
    help: "pooled presets: threads solving independent trip programs, this one included (1 = no worker threads); same decisions, less wall time only on idle cores (decision 0030)",
  },
  targetPct: { flags: '--target <share>', help: 'share of requests to pick up within --within (or a percentage)', shownDefault: '0.95' },
  withinS: { flags: '--within <s>', help: 'pickup wait limit, seconds' },
  min: { flags: '--min <n>', help: 'smallest fleet to consider', shownDefault: 'found by doubling' },
  max: { flags: '--max <n>', help: 'largest fleet to consider', shownDefault: 'found by doubling, at most one car per request' },
  tolerance: { flags: '--tolerance <n>', help: 'stop when the answer is known to within this many cars' },
  workers: { flags: '--workers <n>', help: 'worker threads running simulations (0 = in this thread)', shownDefault: 'one per core' },
  also100: { flags: '--also-100', help: 'also search the fleet that picks up 100 % within --within (comparable with the bound; can be expensive)' },
  bound: { flags: '--no-bound', help: 'skip the clairvoyant lower bound' },
  clairvoyantPlan: {
    flags: '--clairvoyant-plan',
    help: 'also plan the day knowing every request (1 or 2 seats): an upper bound on the clairvoyant optimum, so the optimality gap is bracketed (minutes on a city day)',
  },
  planEffort: {
    flags: '--plan-effort <quick|thorough>',
    help: 'with --clairvoyant-plan: thorough then plans again below the quick answer, moving the last 5 stops of a car instead of 4 and leaving long rides out where plans fall short (several times longer; a few cars fewer on SF days)',
  },
  baseline: { flags: '--no-baseline', help: 'with --chargers, --service-centres or --assist: skip the search for the fleet with every operation off' },
  searchOperators: {
    flags: '--search-operators',
    help: 'with --assist: then find the smallest remote-operator pool (up to --assist-operators) that keeps the target at the fleet found',
  },
  chargers: {
    flags: '--chargers <file|auto>',
    help: 'charging sites (GeoJSON points or CSV lon,lat,plugs[,powerKw]; or "auto": placed by k-means on the pickups); turns energy on',
    shownDefault: 'none: energy is counted, not enforced',
  },
  batteryKwh: { flags: '--battery <kWh>', help: 'usable battery per car (every car starts full)' },
  energyKwhPerKm: { flags: '--consumption <kWh/km>', help: 'energy per driven km' },
  reserveKwh: { flags: '--reserve <kWh>', help: 'energy a car keeps after any plan and the drive to the nearest charger' },
  chargerPowerKw: { flags: '--charger-power <kW>', help: 'power per plug, for automatic sites and file sites that give none' },
  plugsPerCar: { flags: '--plugs-per-car <n>', help: 'automatic sites: plugs over all sites per car' },
  carsPerSite: { flags: '--cars-per-site <n>', help: 'automatic sites: one site per this many cars' },
  chargeBelow: { flags: '--charge-below <share>', help: 'a car that frees up below this share of its battery goes to charge' },
  chargeTo: { flags: '--charge-to <share>', help: 'cars charge up to this share of the battery' },
  serviceCentres: {
    flags: '--service-centres <file|auto>',
    help: 'cleaning and maintenance centres (GeoJSON points or CSV lon,lat,bays[,cleaningS,maintenanceS]; or "auto": placed like automatic charging sites); turns cleaning and maintenance on',
    shownDefault: 'none: cars never need cleaning or maintenance',
  },
  cleanEveryTrips: { flags: '--clean-every <trips>', help: 'a car is due for cleaning after this many trips' },
  messProbability: { flags: '--mess-probability <p>', help: 'chance per trip that riders report a mess (the car is due for cleaning at once)' },
  maintainEveryH: { flags: '--maintain-every <h>', help: 'a car is due for maintenance after this many hours driven' },
  cleaningS: { flags: '--clean-time <s>', help: 'seconds a cleaning holds a bay (centres that give none)' },
  maintenanceS: { flags: '--maintain-time <s>', help: 'seconds a maintenance holds a bay (centres that give none)' },
  baysPerCar: { flags: '--bays-per-car <n>', help: 'automatic centres: bays over all centres per car' },
  assist: { flags: '--assist', help: 'model remote assistance: cars ask for help as they drive and wait for an operator' },
  assistRate: { flags: '--assist-rate <n>', help: 'with --assist: requests for remote help per 1,000 km driven' },
  assistOperators: { flags: '--assist-operators <n>', help: 'remote operators on duty (simulate: with --assist; serve: for the cars that report a need)' },
  assistTimeS: { flags: '--assist-time <s>', help: 'seconds an operator holds a car (simulate: with --assist; serve: for the cars that report a need)' },
  assistAreas: {
    flags: '--assist-areas <file>',
    help: 'with --assist: GeoJSON polygons with a property ratePer1000Km; a car driving inside one asks for help at its rate (the first listed where areas overlap)',
    shownDefault: 'none: --assist-rate everywhere',
  },
};

/** The option that sets a field, e.g. `--max-wait` for maxWaitS. */
export const optionName = (key: string): string => (SETTING_OPTIONS as Record<string, { flags: string }>)[key]?.flags.split(' ')[0] ?? key;

/** A field's schema default as help text (`200`, `pooled+rebalance`), or undefined if it has none. */
export function settingDefaultText(key: OptionKey): string | undefined {
  if (SETTING_OPTIONS[key].shownDefault !== undefined) return SETTING_OPTIONS[key].shownDefault;
  const field = fleetSizeSettingsSchema.shape[key];
  if (!(field instanceof z.ZodDefault)) return undefined;
  const value: unknown = field.def.defaultValue;
  if (typeof value === 'boolean') return undefined; // switches: their help says what they do
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** A value as an error message quotes it: text in quotes (as typed), numbers and lists as written. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value.join(' '));
  return JSON.stringify(value) ?? String(value);
}

/** The value at a path of an object, or undefined. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * Where a setting's value came from, for error messages: the scenario file that gave it (the message then names the
 * file and the field path, `scenario.json: fleet: …, got "ten"`), or undefined for the command line (the message
 * names the option, `--fleet "ten": …`).
 */
export type SettingOrigin = (path: readonly PropertyKey[]) => string | undefined;

/** The option that sets a cost parameter (`--energy-price`), or its path in a scenario file (`cost.depotUsdPerVehicleDay`). */
const costFieldName = (field: PropertyKey): string => COST_OPTIONS[field as keyof CostParameters]?.flags.split(' ')[0] ?? `cost.${String(field)}`;

/** One line per bad field (its first problem only), naming the option or the file and field, and quoting the value given. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown, origin: SettingOrigin = () => undefined): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path;
    const key = path[0];
    if (typeof key !== 'string') {
      lines.push(issue.code === 'unrecognized_keys' ? `unknown setting${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` : issue.message);
      continue;
    }
    const where = path.join('.');
    if (seen.has(where)) continue;
    seen.add(where);
    const file = origin(path);
    if (issue.code === 'unrecognized_keys') {
      const names = issue.keys.map((k) => `${where}.${k}`).join(', ');
      lines.push(`${file ? `${file}: ` : ''}unknown field${issue.keys.length > 1 ? 's' : ''} ${names}`);
      continue;
    }
    const value = valueAt(input, path);
    if (file) {
      lines.push(`${file}: ${where}: ${issue.message}${value === undefined ? '' : `, got ${quote(value)}`}`);
      continue;
    }
    const name = key === 'cost' && path.length > 1 ? costFieldName(path[1]) : optionName(key);
    lines.push(`${name}${value === undefined ? '' : ` ${quote(value)}`}: ${issue.message}`);
  }
  return lines.join('; ');
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown, origin?: SettingOrigin): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new SettingsError(describeIssues(r.error.issues, input, origin));
  return r.data;
}

/**
 * Validates simulation settings and fills in defaults; throws SettingsError naming each bad option and value (or,
 * for values from a scenario file, the file and the field: see `origin`).
 *
 * @example
 * parseSimSettings({ fleet: '500', dispatcher: 'greedy' }).maxWaitS; // 600
 * parseSimSettings({ fleet: 'abc' }); // SettingsError: --fleet "abc": expected an integer in 1..10000000
 */
export function parseSimSettings(input: SimSettingsInput | Record<string, unknown>, origin?: SettingOrigin): SimSettings {
  return parseWith(simSettingsSchema, input, origin);
}

/** Validates the settings of `baton fleet-size`: the simulation's plus the search's own. */
export function parseFleetSizeSettings(input: FleetSizeSettingsInput | Record<string, unknown>, origin?: SettingOrigin): FleetSizeSettings {
  return parseWith(fleetSizeSettingsSchema, input, origin);
}

/**
 * Validates one setting on its own (no checks between settings), as a scenario file gives it: the value with
 * defaults filled in, or the issues (paths start with the setting's key).
 */
export function parseSetting(key: SettingKey, value: unknown): { ok: true; value: unknown } | { ok: false; issues: z.core.$ZodIssue[] } {
  const r = (fleetSizeSettingsSchema.shape[key] as z.ZodType).safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: r.error.issues.map((i) => ({ ...i, path: [key, ...i.path] })) };
}

/** Every setting key, in schema order. */
export const SETTING_KEYS = Object.keys(fleetSizeSettingsSchema.shape) as SettingKey[];
