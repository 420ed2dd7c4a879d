// How each KPI reads in a report: label, unit, formatting and which direction is better (for highlighting the best run).
import type { Kpis } from '../../core/metrics/kpis.js';
import { formatDuration } from './charts.js';

/** Numeric KPI fields (the hourly breakdown and the dispatcher name are shown elsewhere; the rejections by reason are in the KPI JSON and `simulate`'s summary). */
export type KpiKey = Exclude<keyof Kpis, 'hourly' | 'dispatcher' | 'perDayScaled' | 'rejectedByReason'>;

export interface KpiField {
  key: KpiKey;
  label: string;
  format: (v: number) => string;
  /** Table block the row belongs to. */
  group: 'service' | 'fleet';
  /** Which way is better when runs are compared; absent = not a quality (inputs, sizes). */
  better?: 'higher' | 'lower';
}

const int = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');
const fixed = (digits: number, unit: string) => (v: number): string =>
  Number.isFinite(v) ? `${v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}${unit}` : '–';
const pct = fixed(1, ' %');
const share = (v: number): string => pct(100 * v);

/** Every KPI row of the report tables, in reading order. */
export const KPI_FIELDS: readonly KpiField[] = [
  { key: 'requests', group: 'service', label: 'Requests', format: int },
  { key: 'served', group: 'service', label: 'Served (dropped off)', format: int, better: 'higher' },
  { key: 'servedPct', group: 'service', label: 'Service level (served / requests)', format: pct, better: 'higher' },
  { key: 'within5MinPct', group: 'service', label: 'Picked up within 5 min (of all requests)', format: pct, better: 'higher' },
  { key: 'cancelled', group: 'service', label: 'Cancelled (max wait exceeded)', format: int, better: 'lower' },
  { key: 'rejected', group: 'service', label: 'Rejected by the dispatcher', format: int, better: 'lower' },
  { key: 'waitMeanS', group: 'service', label: 'Mean wait', format: formatDuration, better: 'lower' },
  { key: 'waitP50S', group: 'service', label: 'Median wait (p50)', format: formatDuration, better: 'lower' },
  { key: 'waitP95S', group: 'service', label: 'Wait p95', format: formatDuration, better: 'lower' },
  { key: 'rideTimeMeanS', group: 'service', label: 'Mean ride time', format: formatDuration, better: 'lower' },
  { key: 'fleet', group: 'fleet', label: 'Fleet (vehicles)', format: int },
  { key: 'vehicleKm', group: 'fleet', label: 'Vehicle km', format: fixed(0, ' km'), better: 'lower' },
  { key: 'occupiedKm', group: 'fleet', label: 'Occupied km', format: fixed(0, ' km') },
  { key: 'emptyKm', group: 'fleet', label: 'Empty km', format: fixed(0, ' km'), better: 'lower' },
  { key: 'emptyShare', group: 'fleet', label: 'Empty share of km', format: share, better: 'lower' },
  { key: 'utilization', group: 'fleet', label: 'Utilisation (time with a rider on board)', format: share, better: 'higher' },
  { key: 'busyHoursPerVehicle', group: 'fleet', label: 'Busy hours per vehicle over the KPI period', format: fixed(1, ' h') },
  { key: 'tripsPerVehicle', group: 'fleet', label: 'Trips per vehicle over the KPI period', format: fixed(1, ''), better: 'higher' },
  { key: 'busyHoursPerVehiclePerDay', group: 'fleet', label: 'Busy hours per vehicle per day (– if under a day was simulated)', format: fixed(1, ' h') },
  { key: 'tripsPerVehiclePerDay', group: 'fleet', label: 'Trips per vehicle per day (– if under a day was simulated)', format: fixed(1, ''), better: 'higher' },
  { key: 'energyKwh', group: 'fleet', label: 'Energy', format: fixed(0, ' kWh'), better: 'lower' },
  { key: 'spanS', group: 'fleet', label: 'KPI period (simulated span)', format: (v) => fixed(1, ' h')(v / 3600) },
  { key: 'plugs', group: 'fleet', label: 'Charging plugs', format: int },
  { key: 'vehiclesCharged', group: 'fleet', label: 'Vehicles that charged', format: int },
  { key: 'chargingSessions', group: 'fleet', label: 'Charging sessions', format: int },
  { key: 'chargedKwh', group: 'fleet', label: 'Energy charged', format: fixed(0, ' kWh') },
  { key: 'chargingHours', group: 'fleet', label: 'Hours plugged in (all cars)', format: fixed(1, ' h') },
  { key: 'chargeWaitHours', group: 'fleet', label: 'Hours waiting for a plug (all cars)', format: fixed(1, ' h'), better: 'lower' },
  { key: 'chargeWaitMeanS', group: 'fleet', label: 'Mean wait for a plug', format: formatDuration, better: 'lower' },
  { key: 'plugOccupancy', group: 'fleet', label: 'Plug occupancy', format: share },
  { key: 'minSocKwh', group: 'fleet', label: 'Lowest state of charge', format: fixed(1, ' kWh') },
];

/** Group titles, in table order. */
export const KPI_GROUPS = [
  { group: 'service', title: 'Service' },
  { group: 'fleet', title: 'Fleet' },
] as const;

/** The headline figures shown as cards above the KPI table. */
export const HEADLINE_KEYS: readonly KpiKey[] = ['servedPct', 'within5MinPct', 'waitMeanS', 'waitP95S', 'utilization', 'emptyShare'];

/** Short card labels for the headline figures. */
export const HEADLINE_LABELS: Partial<Record<KpiKey, string>> = {
  servedPct: 'Service level',
  within5MinPct: 'Picked up ≤ 5 min',
  waitMeanS: 'Mean wait',
  waitP95S: 'Wait p95',
  utilization: 'Utilisation',
  emptyShare: 'Empty km share',
};

/** The field of a key (throws on an unknown key). */
export function kpiField(key: KpiKey): KpiField {
  const f = KPI_FIELDS.find((x) => x.key === key);
  if (!f) throw new Error(`no KPI field ${key}`);
  return f;
}

/**
 * Indices of the best value(s) among runs for a field; empty when the field has no direction, fewer than two runs
 * have a value, or all values tie (nothing to single out).
 */
export function bestIndices(field: KpiField, values: readonly number[]): number[] {
  if (!field.better) return [];
  const finite = values.map((v, i) => ({ v, i })).filter((x) => Number.isFinite(x.v));
  if (finite.length < 2) return [];
  const best = field.better === 'higher' ? Math.max(...finite.map((x) => x.v)) : Math.min(...finite.map((x) => x.v));
  const winners = finite.filter((x) => x.v === best).map((x) => x.i);
  return winners.length === finite.length ? [] : winners;
}
