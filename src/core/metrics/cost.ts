// Cost per mile: what a run's fleet cost over the simulated span, item by item, per vehicle mile, per paid mile and
// per trip, from its KPIs and a table of prices (docs/fleet-operations.md "Cost per mile", decision 0013). Pure.
import type { Kpis } from './kpis.js';

const M_PER_MILE = 1609.344;
const DAY_S = 86_400;
const WEEK_S = 7 * DAY_S;

/**
 * Prices and lives. Every figure is in US dollars; the defaults (DEFAULT_COST_PARAMETERS) are documented with their
 * sources, or marked as assumptions, in docs/fleet-operations.md.
 */
export interface CostParameters {
  /** Price of one car with its sensors and computer, paid off evenly over `vehicleLifeYears` (no resale value). */
  vehiclePriceUsd: number;
  vehicleLifeYears: number;
  /** Grid price of electricity. */
  energyUsdPerKwh: number;
  /** Share of the energy drawn from the grid that ends up in the battery (charger and battery losses). */
  chargingEfficiency: number;
  /** One plug (charger port) per day: its installation paid off over its life, plus upkeep. */
  chargerUsdPerPlugDay: number;
  /** Runs without charging sites: plugs assumed per car for the charging item (the automatic placement's ratio). */
  plugsPerVehicleWithoutSites: number;
  cleaningUsdPerEvent: number;
  maintenanceUsdPerEvent: number;
  /** Insurance per vehicle mile driven (occupied or empty). */
  insuranceUsdPerMile: number;
  /** One remote operator hour, wages and overhead. */
  remoteOperatorUsdPerHour: number;
  /** Depot (parking, staff, site) per car per day. */
  depotUsdPerVehicleDay: number;
  /** Fare revenue per paid (occupied) mile. */
  revenueUsdPerPaidMile: number;
}

export const DEFAULT_COST_PARAMETERS: Readonly<CostParameters> = {
  vehiclePriceUsd: 50_000,
  vehicleLifeYears: 5,
  energyUsdPerKwh: 0.23,
  chargingEfficiency: 0.9,
  chargerUsdPerPlugDay: 30,
  plugsPerVehicleWithoutSites: 0.1,
  cleaningUsdPerEvent: 20,
  maintenanceUsdPerEvent: 200,
  insuranceUsdPerMile: 0.1,
  remoteOperatorUsdPerHour: 40,
  depotUsdPerVehicleDay: 10,
  revenueUsdPerPaidMile: 3,
};

/** What the cost model reads: KPI figures, plus the service and assistance figures (0 when not modelled). */
export interface CostInputs {
  fleet: number;
  /** Span the time-based items (vehicle, chargers, depot) are charged for. */
  spanS: number;
  vehicleKm: number;
  /** Kilometres with a rider on board: the paid ones. */
  occupiedKm: number;
  /** Hours of car time with a rider on board, summed over cars. */
  occupiedHours: number;
  /** Riders dropped off. */
  trips: number;
  /** Energy used by driving (kWh out of the batteries). */
  energyKwh: number;
  /** Plugs over all charging sites; 0 when the run had none (then `plugsPerVehicleWithoutSites` stands in). */
  plugs: number;
  /** Share of plug time with a car plugged in (0 without sites). */
  plugOccupancy: number;
  /** Service-centre visits (cleaning and maintenance), when modelled. */
  serviceEvents?: { cleaning: number; maintenance: number };
  /** Paid hours of the remote-operator pool, when modelled. */
  assistOperatorHours?: number;
  /** True when a span shorter than a week may be scaled up for `paidHoursPerVehiclePerWeek` (a day or more, or on request). */
  scaleToWeek: boolean;
}

/** The cost items, in the order reports list them. */
export const COST_ITEMS = ['vehicle', 'energy', 'charging', 'cleaning', 'maintenance', 'insurance', 'remoteAssistance', 'depot'] as const;
export type CostItem = (typeof COST_ITEMS)[number];

/** Plain-language name of each item, for tables and plots. */
export const COST_ITEM_LABELS: Record<CostItem, string> = {
  vehicle: 'Vehicle (price over its life)',
  energy: 'Energy',
  charging: 'Charging infrastructure',
  cleaning: 'Cleaning',
  maintenance: 'Maintenance',
  insurance: 'Insurance',
  remoteAssistance: 'Remote assistance',
  depot: 'Depot',
};

export interface CostLine {
  item: CostItem;
  totalUsd: number;
  /** Per vehicle mile (NaN when no mile was driven). */
  perMileUsd: number;
  /** Per trip served (NaN when none was). */
  perTripUsd: number;
}

/** A run's cost, revenue and the operator's figures that go with them. */
export interface CostSummary {
  totalUsd: number;
  /** Total cost per vehicle mile (occupied and empty). */
  costPerMileUsd: number;
  /** Total cost per paid (occupied) mile. */
  costPerPaidMileUsd: number;
  costPerTripUsd: number;
  /** One line per item, in COST_ITEMS order (items that cost nothing included). */
  items: CostLine[];
  revenueUsd: number;
  revenuePerMileUsd: number;
  /** Revenue minus cost per vehicle mile. */
  marginPerMileUsd: number;
  vehicleMiles: number;
  paidMiles: number;
  /** Paid miles / vehicle miles. */
  paidMileShare: number;
  /** Occupied hours per car scaled to a week (NaN when the span is shorter than a day and scaling was not asked for). */
  paidHoursPerVehiclePerWeek: number;
  /** Energy used by driving, and drawn from the grid to put it back (÷ charging efficiency). */
  energyKwh: number;
  gridEnergyKwh: number;
  /** Share of plug time in use (0 without sites). */
  chargerUtilisation: number;
  /** Plugs the charging item was priced for, and whether they were assumed (no charging sites in the run). */
  plugs: number;
  plugsAssumed: boolean;
}

/**
 * The cost of a run, item by item.
 *
 * @example
 * const c = costSummary(costInputsFromKpis(kpis), DEFAULT_COST_PARAMETERS);
 * c.costPerMileUsd; // e.g. 0.84
 * c.items.find((l) => l.item === 'energy')!.totalUsd; // kWh used ÷ 0.9 × $0.23
 */
export function costSummary(inputs: CostInputs, p: CostParameters): CostSummary {
  const days = inputs.spanS / DAY_S;
  const vehicleMiles = (inputs.vehicleKm * 1000) / M_PER_MILE;
  const paidMiles = (inputs.occupiedKm * 1000) / M_PER_MILE;
  const plugsAssumed = inputs.plugs <= 0;
  const plugs = plugsAssumed ? Math.ceil(inputs.fleet * p.plugsPerVehicleWithoutSites) : inputs.plugs;
  const gridEnergyKwh = inputs.energyKwh / p.chargingEfficiency;
  const service = inputs.serviceEvents ?? { cleaning: 0, maintenance: 0 };
  const totals: Record<CostItem, number> = {
    vehicle: (inputs.fleet * p.vehiclePriceUsd * days) / (p.vehicleLifeYears * 365),
    energy: gridEnergyKwh * p.energyUsdPerKwh,
    charging: plugs * p.chargerUsdPerPlugDay * days,
    cleaning: service.cleaning * p.cleaningUsdPerEvent,
    maintenance: service.maintenance * p.maintenanceUsdPerEvent,
    insurance: vehicleMiles * p.insuranceUsdPerMile,
    remoteAssistance: (inputs.assistOperatorHours ?? 0) * p.remoteOperatorUsdPerHour,
    depot: inputs.fleet * p.depotUsdPerVehicleDay * days,
  };
  const per = (x: number, n: number): number => (n > 0 ? x / n : NaN);
  const items = COST_ITEMS.map((item): CostLine => ({
    item,
    totalUsd: totals[item],
    perMileUsd: per(totals[item], vehicleMiles),
    perTripUsd: per(totals[item], inputs.trips),
  }));
  const totalUsd = items.reduce((s, l) => s + l.totalUsd, 0);
  const revenueUsd = paidMiles * p.revenueUsdPerPaidMile;
  const weekly = inputs.spanS >= DAY_S || inputs.scaleToWeek;
  return {
    totalUsd,
    costPerMileUsd: per(totalUsd, vehicleMiles),
    costPerPaidMileUsd: per(totalUsd, paidMiles),
    costPerTripUsd: per(totalUsd, inputs.trips),
    items,
    revenueUsd,
    revenuePerMileUsd: per(revenueUsd, vehicleMiles),
    marginPerMileUsd: per(revenueUsd - totalUsd, vehicleMiles),
    vehicleMiles,
    paidMiles,
    paidMileShare: vehicleMiles > 0 ? paidMiles / vehicleMiles : 0,
    paidHoursPerVehiclePerWeek: weekly && inputs.fleet > 0 && inputs.spanS > 0 ? ((inputs.occupiedHours / inputs.fleet) * WEEK_S) / inputs.spanS : NaN,
    energyKwh: inputs.energyKwh,
    gridEnergyKwh,
    chargerUtilisation: inputs.plugOccupancy,
    plugs,
    plugsAssumed,
  };
}

/**
 * The cost model's inputs from a run's KPIs: cleaning and maintenance visits from the servicing KPIs, and the
 * remote-operator pool paid for the whole span (operators × span) when the run had remote assistance. `extra`
 * overrides either (a what-if, or figures from outside the run).
 */
export function costInputsFromKpis(k: Kpis, extra: Pick<CostInputs, 'serviceEvents' | 'assistOperatorHours'> = {}): CostInputs {
  return {
    fleet: k.fleet,
    spanS: k.spanS,
    vehicleKm: k.vehicleKm,
    occupiedKm: k.occupiedKm,
    occupiedHours: (k.utilization * k.fleet * k.spanS) / 3600,
    trips: k.served,
    energyKwh: k.energyKwh,
    plugs: k.plugs,
    plugOccupancy: k.plugOccupancy,
    serviceEvents: { cleaning: k.cleanings ?? 0, maintenance: k.maintenances ?? 0 },
    assistOperatorHours: ((k.assistOperators ?? 0) * k.spanS) / 3600,
    scaleToWeek: k.perDayScaled,
    ...extra,
  };
}
