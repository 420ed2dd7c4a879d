// The cost model on hand-computed figures: every item, per mile, per paid mile and per trip, revenue, the paid share
// and hours, plugs assumed without charging sites, and the service and assistance inputs the other features feed.
import { describe, expect, it } from 'vitest';
import { COST_ITEMS, costInputsFromKpis, costSummary, DEFAULT_COST_PARAMETERS, type CostInputs, type CostParameters } from '../../src/core/metrics/cost.js';
import type { Kpis } from '../../src/core/metrics/kpis.js';

const MILE_KM = 1.609344;

/** Round prices so that the expected figures can be worked out by hand. */
const PRICES: CostParameters = {
  vehiclePriceUsd: 36_500,
  vehicleLifeYears: 1, // $100 per car per day
  energyUsdPerKwh: 0.2,
  chargingEfficiency: 0.8,
  chargerUsdPerPlugDay: 30,
  plugsPerVehicleWithoutSites: 0.25,
  cleaningUsdPerEvent: 20,
  maintenanceUsdPerEvent: 200,
  insuranceUsdPerMile: 0.1,
  remoteOperatorUsdPerHour: 40,
  depotUsdPerVehicleDay: 10,
  revenueUsdPerPaidMile: 3,
};

/** 10 cars for a day: 1,000 vehicle miles, 600 paid, 80 h occupied, 200 trips, 250 kWh, 4 plugs in use 40 %. */
const DAY: CostInputs = {
  fleet: 10,
  spanS: 86_400,
  vehicleKm: 1000 * MILE_KM,
  occupiedKm: 600 * MILE_KM,
  occupiedHours: 80,
  trips: 200,
  energyKwh: 250,
  plugs: 4,
  plugOccupancy: 0.4,
  scaleToWeek: false,
};

const item = (c: ReturnType<typeof costSummary>, name: string) => c.items.find((l) => l.item === name)!;

describe('costSummary', () => {
  it('prices every item from the inputs and divides by miles and trips', () => {
    const c = costSummary({ ...DAY, serviceEvents: { cleaning: 5, maintenance: 1 }, assistOperatorHours: 12 }, PRICES);
    const expected: Record<string, number> = {
      vehicle: 10 * 100, // 10 cars × $36,500 / 365 days
      energy: (250 / 0.8) * 0.2, // grid kWh × price
      charging: 4 * 30,
      cleaning: 5 * 20,
      maintenance: 1 * 200,
      insurance: 1000 * 0.1,
      remoteAssistance: 12 * 40,
      depot: 10 * 10,
    };
    expect(c.items.map((l) => l.item)).toEqual([...COST_ITEMS]);
    for (const [name, usd] of Object.entries(expected)) {
      expect(item(c, name).totalUsd, name).toBeCloseTo(usd, 9);
      expect(item(c, name).perMileUsd, name).toBeCloseTo(usd / 1000, 9);
      expect(item(c, name).perTripUsd, name).toBeCloseTo(usd / 200, 9);
    }
    const total = Object.values(expected).reduce((a, b) => a + b, 0); // 2,162.5
    expect(c.totalUsd).toBeCloseTo(total, 9);
    expect(c.costPerMileUsd).toBeCloseTo(total / 1000, 9);
    expect(c.costPerPaidMileUsd).toBeCloseTo(total / 600, 9);
    expect(c.costPerTripUsd).toBeCloseTo(total / 200, 9);
    expect(c.revenueUsd).toBeCloseTo(1800, 9);
    expect(c.revenuePerMileUsd).toBeCloseTo(1.8, 9);
    expect(c.marginPerMileUsd).toBeCloseTo((1800 - total) / 1000, 9);
    expect(c.paidMileShare).toBeCloseTo(0.6, 12);
    expect(c.paidHoursPerVehiclePerWeek).toBeCloseTo(8 * 7, 9); // 8 h per car per day
    expect(c.gridEnergyKwh).toBeCloseTo(312.5, 9);
    expect(c.chargerUtilisation).toBe(0.4);
    expect([c.plugs, c.plugsAssumed]).toEqual([4, false]);
  });

  it('scales the time-based items with the span, and leaves service and assistance at 0 when not modelled', () => {
    const half = costSummary({ ...DAY, spanS: 43_200 }, PRICES);
    expect(item(half, 'vehicle').totalUsd).toBeCloseTo(500, 9);
    expect(item(half, 'depot').totalUsd).toBeCloseTo(50, 9);
    expect(item(half, 'charging').totalUsd).toBeCloseTo(60, 9);
    for (const name of ['cleaning', 'maintenance', 'remoteAssistance']) expect(item(half, name).totalUsd).toBe(0);
    // A 12-hour window is not a week's pattern: no paid hours per week unless scaling was asked for.
    expect(half.paidHoursPerVehiclePerWeek).toBeNaN();
    expect(costSummary({ ...DAY, spanS: 43_200, scaleToWeek: true }, PRICES).paidHoursPerVehiclePerWeek).toBeCloseTo(8 * 14, 9);
  });

  it('without charging sites prices the plugs the automatic placement would have built', () => {
    const c = costSummary({ ...DAY, plugs: 0, plugOccupancy: 0 }, PRICES);
    expect([c.plugs, c.plugsAssumed]).toEqual([3, true]); // ⌈10 × 0.25⌉
    expect(item(c, 'charging').totalUsd).toBeCloseTo(90, 9);
  });

  it('gives NaN per mile and per trip, not Infinity, when nothing was driven or served', () => {
    const c = costSummary({ ...DAY, vehicleKm: 0, occupiedKm: 0, trips: 0 }, PRICES);
    expect(c.costPerMileUsd).toBeNaN();
    expect(c.costPerTripUsd).toBeNaN();
    expect(c.paidMileShare).toBe(0);
    expect(c.totalUsd).toBeGreaterThan(0); // the cars still cost their day
  });

  it('reads its inputs from the KPIs (occupied hours from utilisation, visits from servicing, the operator pool over the span), the defaults are the documented ones', () => {
    const k = { fleet: 10, spanS: 86_400, vehicleKm: 100, occupiedKm: 60, utilization: 0.25, served: 40, energyKwh: 15, plugs: 2, plugOccupancy: 0.3, perDayScaled: false, cleanings: 7, maintenances: 1, assistOperators: 3 } as Kpis;
    expect(costInputsFromKpis(k)).toEqual({ fleet: 10, spanS: 86_400, vehicleKm: 100, occupiedKm: 60, occupiedHours: 60, trips: 40, energyKwh: 15, plugs: 2, plugOccupancy: 0.3, scaleToWeek: false, serviceEvents: { cleaning: 7, maintenance: 1 }, assistOperatorHours: 72 });
    const inputs = costInputsFromKpis(k, { serviceEvents: { cleaning: 2, maintenance: 0 } });
    expect(inputs).toEqual({ fleet: 10, spanS: 86_400, vehicleKm: 100, occupiedKm: 60, occupiedHours: 60, trips: 40, energyKwh: 15, plugs: 2, plugOccupancy: 0.3, scaleToWeek: false, serviceEvents: { cleaning: 2, maintenance: 0 }, assistOperatorHours: 72 });
    expect(DEFAULT_COST_PARAMETERS).toMatchObject({ vehiclePriceUsd: 50_000, vehicleLifeYears: 5, energyUsdPerKwh: 0.23, chargerUsdPerPlugDay: 30, revenueUsdPerPaidMile: 3 });
  });
});
